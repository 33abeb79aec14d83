using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.ApiServer.Backends;

/// <summary>
/// HTTPS to the servers behind a caBundle: admission webhooks and aggregated API servers. One HttpClient per
/// trust (CA bundle or system roots, skip-verify, client certificate), shared by every caller with that trust, so
/// connections are pooled across requests. A certificate must chain to the caBundle and name the host asked for
/// (for a Service, NAME.NAMESPACE.svc, as kube-apiserver checks it). Redirects are never followed, nothing is
/// decompressed and nothing times out here (callers bound their own calls; a watch may last). A Service's request
/// names that host but connects to the address resolved for it (<see cref="ConnectTo"/>).
/// </summary>
public sealed class BackendTransport : IDisposable
{
    /// <summary>The address to dial instead of resolving the request's host (a Service's endpoint).</summary>
    public static readonly HttpRequestOptionsKey<IPEndPoint> ConnectTo = new("axolotl.backend.connect-to");

    private readonly ConcurrentDictionary<string, Trust> _clients = new(StringComparer.Ordinal);

    /// <summary>The client for a webhook: its caBundle, no client certificate.</summary>
    public HttpClient For(byte[]? caBundle, out Func<string?> lastTlsFailure) => For(caBundle, insecureSkipVerify: false, clientCertificate: null, out lastTlsFailure);

    /// <summary>
    /// The client for one trust. <paramref name="insecureSkipVerify"/> accepts any server certificate (an APIService's
    /// insecureSkipTLSVerify, and upstream's availability probe); <paramref name="clientCertificate"/> is presented
    /// when the server asks for one (the aggregator's front-proxy client certificate).
    /// </summary>
    public HttpClient For(byte[]? caBundle, bool insecureSkipVerify, X509Certificate2? clientCertificate, out Func<string?> lastTlsFailure)
    {
        var key = (insecureSkipVerify ? "insecure" : caBundle is { Length: > 0 } ? Convert.ToBase64String(caBundle) : "") + "|" + clientCertificate?.Thumbprint;
        var trust = _clients.GetOrAdd(key, _ => new Trust(insecureSkipVerify ? null : caBundle, insecureSkipVerify, clientCertificate));
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
        private readonly bool _insecure;

        public Trust(byte[]? caBundle, bool insecure, X509Certificate2? clientCertificate)
        {
            _insecure = insecure;
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
            var ssl = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Validate };
            if (clientCertificate is not null)
            {
                ssl.ClientCertificates = [clientCertificate];
                ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
            }
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                ConnectCallback = ConnectAsync,
                SslOptions = ssl,
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
            // insecureSkipTLSVerify: the owner of the APIService chose to trust whatever answers (upstream's Insecure).
            if (_insecure)
            {
                return true;
            }
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
