using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.E2E.Tests.Harness.Images;

/// <summary>
/// A private CA with a server certificate for 127.0.0.1 and a client certificate, as PEM files in a
/// directory: a registry that demands client certificates (mutual TLS) trusts the CA for both. The
/// directory also holds skopeo's cert-dir layout (ca.crt, client.cert, client.key) for pushing.
/// </summary>
public sealed class RegistryCertificates
{
    private RegistryCertificates(string dir)
    {
        Directory = dir;
    }

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.crt");

    public string ServerCertificateFile => Path.Combine(Directory, "server.pem");

    public string ServerKeyFile => Path.Combine(Directory, "server-key.pem");

    public string ClientCertificateFile => Path.Combine(Directory, "client.cert");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    public static RegistryCertificates Create(string dir)
    {
        System.IO.Directory.CreateDirectory(dir);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=axolotl-test-registry-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        var certificates = new RegistryCertificates(dir);
        File.WriteAllText(certificates.CaFile, ca.ExportCertificatePem());

        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        Issue(ca, "CN=127.0.0.1", new Oid("1.3.6.1.5.5.7.3.1", "serverAuth"), san.Build(), certificates.ServerCertificateFile, certificates.ServerKeyFile);
        Issue(ca, "CN=axolotl-node", new Oid("1.3.6.1.5.5.7.3.2", "clientAuth"), null, certificates.ClientCertificateFile, certificates.ClientKeyFile);
        return certificates;
    }

    private static void Issue(X509Certificate2 ca, string subject, Oid usage, X509Extension? san, string certificateFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        using var certificate = request.Create(ca, ca.NotBefore.AddMinutes(1), ca.NotAfter.AddMinutes(-1), serial);
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}
