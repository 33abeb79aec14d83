using System.Security.Cryptography.X509Certificates;

namespace Axolotl.NodeIdentity;

/// <summary>
/// Sends each request through a connection pool bound to the node's current client certificate. The
/// server checks a certificate on every request, so connections made with the old certificate must not
/// outlive it: when the certificate is renewed, new requests go to a fresh pool and the old pool is
/// closed shortly after (open watches end there and are re-established), as the kubelet closes its
/// connections after a rotation.
/// </summary>
public sealed class CertificateBoundHandler(RotatingCertificate certificate, Func<X509Certificate2, SocketsHttpHandler> createPool, TimeProvider clock) : HttpMessageHandler
{
    /// <summary>How long requests already sent on the old pool may finish before it is closed.</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private X509Certificate2? _boundTo;
    private HttpMessageInvoker? _pool;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Current().SendAsync(request, cancellationToken);

    private HttpMessageInvoker Current()
    {
        var wanted = certificate.Current;
        lock (_gate)
        {
            if (_pool is not null && ReferenceEquals(_boundTo, wanted))
            {
                return _pool;
            }
            var old = _pool;
            _boundTo = wanted;
            _pool = new HttpMessageInvoker(createPool(wanted), disposeHandler: true);
            if (old is not null)
            {
                _ = Task.Delay(Drain, clock).ContinueWith(_ => old.Dispose(), TaskScheduler.Default);
            }
            return _pool;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _pool?.Dispose();
                _pool = null;
            }
        }
        base.Dispose(disposing);
    }
}
