using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// The certificate served to a TLS client whose host has no usable certificate of its own, made at start,
/// as ingress-nginx's "Kubernetes Ingress Controller Fake Certificate": clients see an untrusted
/// certificate rather than a failed handshake.
/// </summary>
public static class SelfSignedCertificate
{
    public const string CommonName = "Axolotl Ingress Controller Fake Certificate";

    public static X509Certificate2 Create(TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={CommonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = time.GetUtcNow();
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }
}
