using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// The cluster CA (made once, kept in DIR/pki) and a serving certificate signed by it, made anew at
/// every start so that its names always cover the current host and bind address. ECDSA P-256: fast to make.
/// </summary>
public sealed class Pki
{
    private Pki(X509Certificate2 ca, X509Certificate2 serving)
    {
        Ca = ca;
        Serving = serving;
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Serving { get; }

    public string CaPem => Ca.ExportCertificatePem();

    public static Pki LoadOrCreate(string dataDir, TimeProvider clock, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses)
    {
        var dir = Path.Combine(dataDir, "pki");
        Directory.CreateDirectory(dir);
        var caCertPath = Path.Combine(dir, "ca.crt");
        var caKeyPath = Path.Combine(dir, "ca.key");
        var now = clock.GetUtcNow();
        X509Certificate2 ca;
        if (File.Exists(caCertPath) && File.Exists(caKeyPath))
        {
            ca = X509Certificate2.CreateFromPemFile(caCertPath, caKeyPath);
        }
        else
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=axolotl-ca", caKey, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            ca = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
            WritePrivate(caKeyPath, caKey.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(caCertPath, ca.ExportCertificatePem());
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serving = new CertificateRequest("CN=axolotl-apiserver", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames.Distinct())
        {
            san.AddDnsName(name);
        }
        foreach (var address in addresses.Distinct())
        {
            san.AddIpAddress(address);
        }
        serving.CertificateExtensions.Add(san.Build());
        serving.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serving.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serving.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signed = serving.Create(ca, now.AddMinutes(-5), now.AddYears(1), serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        // Kestrel on Linux wants a certificate whose key is not ephemeral: round-trip through PKCS#12.
        var serverCert = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return new Pki(ca, serverCert);
    }

    private static void WritePrivate(string path, string content)
    {
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
