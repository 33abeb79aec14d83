using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// One HttpClient per CA bundle (the system roots for an empty one), shared by every webhook that trusts
/// it, so connections are pooled across requests. A webhook's certificate must chain to its caBundle and
/// name the host asked for (for a Service, NAME.NAMESPACE.svc, as kube-apiserver checks it). Redirects
/// are never followed. A Service's request names that host but connects to the address resolved for it
/// (<see cref="ConnectTo"/>).
/// </summary>
public sealed class WebhookTransport : IDisposable
{
    /// <summary>The address to dial instead of resolving the request's host (a Service webhook's endpoint).</summary>
    public static readonly HttpRequestOptionsKey<IPEndPoint> ConnectTo = new("axolotl.webhook.connect-to");

    private readonly ConcurrentDictionary<string, Trust> _clients = new(StringComparer.Ordinal);

    public HttpClient For(byte[]? caBundle, out Func<string?> lastTlsFailure)
    {
        var key = caBundle is { Length: > 0 } ? Convert.ToBase64String(caBundle) : "";
        var trust = _clients.GetOrAdd(key, _ => new Trust(caBundle));
        lastTlsFailure = () => trust.LastFailure;
        return trust.Client;
    }

    public void Dispose()
    {
        foreach (var trust in _clients.Values)
        {
            trust.Client.Dispose();
        }
    }

    private sealed class Trust
    {
        private readonly X509Certificate2Collection? _roots;

        public Trust(byte[]? caBundle)
        {
            if (caBundle is { Length: > 0 })
            {
                _roots = [];
                try
                {
                    _roots.ImportFromPem(System.Text.Encoding.ASCII.GetString(caBundle));
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    // A bundle that does not parse trusts nothing; every call fails the TLS check.
                }
            }
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                ConnectCallback = ConnectAsync,
                SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Validate },
            };
            Client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        }

        public HttpClient Client { get; }

        /// <summary>Why the last handshake was refused (Go's wording), for the error message; shared by concurrent calls, so a hint only.</summary>
        public volatile string? LastFailure;

        private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (context.InitialRequestMessage.Options.TryGetValue(ConnectTo, out var endpoint))
                {
                    await socket.ConnectAsync(endpoint, ct);
                }
                else
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                }
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate is null)
            {
                LastFailure = "remote error: tls: certificate required";
                return false;
            }
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                LastFailure = "tls: failed to verify certificate: x509: certificate is not valid for the requested host";
                return false;
            }
            var trusted = _roots is null ? errors == SslPolicyErrors.None : ChainsToRoots(certificate, chain);
            LastFailure = trusted ? null : "tls: failed to verify certificate: x509: certificate signed by unknown authority";
            return trusted;
        }

        private bool ChainsToRoots(X509Certificate certificate, X509Chain? chain)
        {
            using var own = new X509Chain();
            own.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            own.ChainPolicy.CustomTrustStore.AddRange(_roots!);
            own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
            {
                own.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            }
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return own.Build(leaf);
        }
    }
}
