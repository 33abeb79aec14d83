using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Client.Tests;

public class CertificateTrustTests
{
    [Fact]
    public void A_server_certificate_signed_by_the_given_ca_is_accepted()
    {
        var (caPem, ca) = CreateCa("axolotl-ca");
        using var leaf = Issue(ca, "127.0.0.1");
        var validate = CertificateTrust.ForCertificateAuthority(caPem);

        Assert.True(validate(this, leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_certificate_from_another_ca_is_refused()
    {
        var (caPem, _) = CreateCa("axolotl-ca");
        var (_, other) = CreateCa("someone-else");
        using var leaf = Issue(other, "127.0.0.1");
        var validate = CertificateTrust.ForCertificateAuthority(caPem);

        Assert.False(validate(this, leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_name_mismatch_is_never_forgiven()
    {
        var (caPem, ca) = CreateCa("axolotl-ca");
        using var leaf = Issue(ca, "127.0.0.1");
        var validate = CertificateTrust.ForCertificateAuthority(caPem);

        Assert.False(validate(this, leaf, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    private static (string Pem, X509Certificate2 Ca) CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (ca.ExportCertificatePem(), ca);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string ip)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=axolotl", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Parse(ip));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        return request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
    }
}
