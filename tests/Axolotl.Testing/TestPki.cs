using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Testing;

/// <summary>
/// Certificates for TLS tests, shaped like the cluster's: a CA, client certificates (the API server's
/// kubelet client, a node) and serving certificates naming 127.0.0.1, all ECDSA P-256.
/// </summary>
public sealed class TestPki : IDisposable
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    private readonly bool _ownsCa = true;

    /// <summary>Issues from an existing CA (with its key), e.g. a test server's kubelet CA; that CA is not disposed here.</summary>
    public TestPki(X509Certificate2 ca)
    {
        Ca = ca;
        _ownsCa = false;
    }

    public TestPki(string caName = "test-ca")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + caName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
    }

    /// <summary>The CA, with its private key.</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>A client certificate: CN <paramref name="commonName"/>, O <paramref name="organization"/> when given.</summary>
    public X509Certificate2 Client(string commonName, string? organization = null) =>
        Issue(commonName, organization, ClientAuth, null);

    /// <summary>A serving certificate for 127.0.0.1 and localhost (or the given addresses), and any further DNS names.</summary>
    public X509Certificate2 Serving(string commonName, string? organization = null, IPAddress[]? addresses = null, string[]? dnsNames = null) =>
        Issue(commonName, organization, ServerAuth, addresses ?? [IPAddress.Loopback], dnsNames);

    private X509Certificate2 Issue(string commonName, string? organization, Oid usage, IPAddress[]? addresses, string[]? dnsNames = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        if (organization is not null)
        {
            subject.AddOrganizationName(organization);
        }
        subject.AddCommonName(commonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        if (addresses is not null)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            foreach (var name in dnsNames ?? [])
            {
                san.AddDnsName(name);
            }
            foreach (var address in addresses)
            {
                san.AddIpAddress(address);
            }
            request.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(Ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), serial);
        // A PFX round trip: SslStream on Linux wants a certificate whose key it can hand to OpenSSL as one.
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        if (_ownsCa)
        {
            Ca.Dispose();
        }
    }
}
