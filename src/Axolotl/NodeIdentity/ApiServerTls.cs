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
        // The handshake builds the server's chain against the cluster CA alone (never the system store) and for server
        // auth, so its verdict is the whole check: one chain build per connection, none of the system's roots read.
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(roots);
        policy.ApplicationPolicy.Add(CertificateChain.ServerAuth);
        var ssl = new SslClientAuthenticationOptions
        {
            CertificateChainPolicy = policy,
            // A name mismatch, a missing certificate or a chain that does not end at the cluster CA is never forgiven.
            RemoteCertificateValidationCallback = static (_, certificate, _, errors) => certificate is not null && errors == SslPolicyErrors.None,
        };
        if (clientCertificate is not null)
        {
            // Made once for the pool (its certificate never changes, see CertificateBoundHandler), not at each handshake,
            // and offline: the node certificate is sent alone, as the cluster CA issued it with no intermediates.
            ssl.ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, [], offline: true);
        }
        return new SocketsHttpHandler
        {
            SslOptions = ssl,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            EnableMultipleHttp2Connections = true,
            InitialHttp2StreamWindowSize = Axolotl.Client.Http2Windows.StreamWindowSize,
        };
    }
}
