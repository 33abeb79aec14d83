using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.Certificates;

namespace Axolotl.NodeIdentity;

/// <summary>
/// A node's connection pool to the API server: the server must present a certificate for the dialled
/// name that chains to the cluster CA (not the system store) and allows server auth (so no node or
/// client certificate from the same CA can pass as the server); the node presents its current client
/// certificate, if it has one yet.
/// </summary>
public static class ApiServerTls
{
    /// <summary>A pool that presents no client certificate (TLS bootstrap, with the join token).</summary>
    public static SocketsHttpHandler CreateHandler(string caPem) => CreatePool(caPem, null);

    /// <summary>Requests as the node: each certificate the node holds gets its own pool (<see cref="CertificateBoundHandler"/>).</summary>
    public static HttpMessageHandler CreateHandler(string caPem, RotatingCertificate clientCertificate, TimeProvider clock) =>
        new CertificateBoundHandler(clientCertificate, certificate => CreatePool(caPem, certificate), clock);

    private static SocketsHttpHandler CreatePool(string caPem, X509Certificate2? clientCertificate)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(caPem);
        var ssl = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, errors) => ChainsTo(roots, cert, errors) };
        if (clientCertificate is not null)
        {
            ssl.ClientCertificates = [clientCertificate];
        }
        return new SocketsHttpHandler
        {
            SslOptions = ssl,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            EnableMultipleHttp2Connections = true,
        };
    }

    private static bool ChainsTo(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        // A name mismatch or a missing certificate is never forgiven; only the chain is checked against our CA.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }
        using var leaf = new X509Certificate2(certificate);
        return CertificateChain.Verify(leaf, roots, CertificateChain.ServerAuth, TimeProvider.System.GetUtcNow());
    }
}
