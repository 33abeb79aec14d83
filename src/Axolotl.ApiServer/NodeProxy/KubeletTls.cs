using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.Certificates;

namespace Axolotl.ApiServer.NodeProxy;

/// <summary>
/// TLS to node agents both ways. The API server presents its kubelet client certificate, and accepts an
/// agent only when its serving certificate chains to the kubelet CA, allows server auth, names the
/// address dialled (IP or DNS subject alternative name) and is the certificate of the node the pod is
/// bound to (CN system:node:NAME). A Node whose address points somewhere else (another node's agent,
/// a listener of an attacker) gets a refused handshake before any request is sent.
/// Connections are pooled per node, so a connection made to one node is never reused for another
/// that claims the same address.
/// </summary>
public sealed class KubeletTls(X509Certificate2 kubeletCa, X509Certificate2 clientCertificate, TimeProvider clock) : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    public X509Certificate2 ClientCertificate => clientCertificate;

    /// <summary>Validation for a connection to the agent of <paramref name="nodeName"/>.</summary>
    public RemoteCertificateValidationCallback ForNode(string nodeName) => (_, certificate, _, errors) => Verify(nodeName, certificate, errors);

    /// <summary>A client whose connections go only to <paramref name="nodeName"/>'s agent.</summary>
    public HttpClient ClientFor(string nodeName) => _clients.GetOrAdd(nodeName, name => new HttpClient(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = ForNode(name),
            ClientCertificates = [clientCertificate],
        },
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    })
    { Timeout = Timeout.InfiniteTimeSpan });

    public bool Verify(string nodeName, X509Certificate? certificate, SslPolicyErrors errors)
    {
        // The name check against the dialled host is .NET's (RemoteCertificateNameMismatch); only the chain is ours.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }
        using var leaf = new X509Certificate2(certificate);
        if (CertificateChain.CommonName(leaf.SubjectName) != KubeletSigners.NodeUserPrefix + nodeName)
        {
            return false;
        }
        return CertificateChain.Verify(leaf, kubeletCa, CertificateChain.ServerAuth, clock.GetUtcNow());
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
        _clients.Clear();
    }
}
