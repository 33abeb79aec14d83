using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// The cluster CA and the API server's serving certificate, both kept in DIR/pki. The serving
/// certificate is reused while it is valid for another 30 days and names every current host name and
/// address, and made anew otherwise. ECDSA P-256: fast to make and to handshake.
/// </summary>
public sealed class Pki
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

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
        var now = clock.GetUtcNow();
        var names = dnsNames.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var ips = addresses.Distinct().ToList();
        var ca = LoadOrCreateCa(dir, now);
        var certPath = Path.Combine(dir, "apiserver.crt");
        var keyPath = Path.Combine(dir, "apiserver.key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (Covers(existing, ca, now, names, ips))
            {
                return new Pki(ca, existing);
            }
            existing.Dispose();
        }
        var (serving, keyPem) = CreateServing(ca, now, names, ips);
        WritePrivate(keyPath, keyPem);
        File.WriteAllText(certPath, serving.ExportCertificatePem());
        return new Pki(ca, serving);
    }

    private static X509Certificate2 LoadOrCreateCa(string dir, DateTimeOffset now)
    {
        var certPath = Path.Combine(dir, "ca.crt");
        var keyPath = Path.Combine(dir, "ca.key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            return X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=axolotl-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, ca.ExportCertificatePem());
        return ca;
    }

    private static (X509Certificate2 Certificate, string KeyPem) CreateServing(X509Certificate2 ca, DateTimeOffset now, List<string> names, List<IPAddress> ips)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=axolotl-apiserver", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        names.ForEach(san.AddDnsName);
        ips.ForEach(san.AddIpAddress);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signed = request.Create(ca, now.AddMinutes(-5), now.AddYears(1), serial);
        return (signed.CopyWithPrivateKey(key), key.ExportPkcs8PrivateKeyPem());
    }

    private static bool Covers(X509Certificate2 cert, X509Certificate2 ca, DateTimeOffset now, List<string> names, List<IPAddress> ips)
    {
        if (cert.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore || cert.Issuer != ca.Subject)
        {
            return false;
        }
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return false;
        }
        var haveNames = san.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var haveIps = san.EnumerateIPAddresses().ToHashSet();
        return names.All(haveNames.Contains) && ips.All(haveIps.Contains);
    }

    private static void WritePrivate(string path, string content)
    {
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
