using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Agent.Server;

/// <summary>
/// The agent's serving certificate: a fresh self-signed ECDSA P-256 one per start, as the kubelet
/// makes when none is configured. The API server does not verify it (upstream's default too).
/// </summary>
public static class SelfSignedCertificate
{
    public static X509Certificate2 Create(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            san.AddDnsName(name);
        }
        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var now = time.GetUtcNow();
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        // An ephemeral key cannot back a TLS server on every platform; a PKCS#12 round trip gives a persisted one.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}
