using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Testing.Etcd;

/// <summary>
/// PEM files for an etcd member on TLS with client-certificate authentication: a CA, the member's serving
/// certificate (127.0.0.1 and localhost), a client certificate, and a second CA that signed nothing here.
/// ECDSA P-256, in a temporary directory removed on dispose. Linked into the storage and end-to-end tests.
/// </summary>
public sealed class EtcdTlsFiles : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public EtcdTlsFiles()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("axl-etcd-tls-").FullName;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = SelfSignedCa("etcd-test-ca", caKey);
        Write("ca.crt", ca.ExportCertificatePem());
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = SelfSignedCa("another-ca", otherKey);
        Write("other-ca.crt", other.ExportCertificatePem());
        // etcd 3.4's own JSON gateway dials the member with the serving certificate: it needs client use too.
        Issue(ca, "etcd-member", [ServerAuth, ClientAuth], "server");
        Issue(ca, "axolotl-apiserver", [ClientAuth], "client");
    }

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.crt");

    public string OtherCaFile => Path.Combine(Directory, "other-ca.crt");

    public string ServerCertFile => Path.Combine(Directory, "server.crt");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public string ClientCertFile => Path.Combine(Directory, "client.crt");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static X509Certificate2 SelfSignedCa(string name, ECDsa key)
    {
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
    }

    private void Issue(X509Certificate2 ca, string name, Oid[] usages, string file)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var eku = new OidCollection();
        foreach (var usage in usages)
        {
            eku.Add(usage);
        }
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(eku, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMonths(1), serial);
        Write(file + ".crt", issued.ExportCertificatePem());
        Write(file + ".key", key.ExportPkcs8PrivateKeyPem());
    }

    private void Write(string name, string pem) => File.WriteAllText(Path.Combine(Directory, name), pem + "\n");
}
