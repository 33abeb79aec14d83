using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.ApiRegistration;
using Axolotl.Hosting.Network;

namespace Axolotl.Controllers.ApiServiceAvailability;

/// <summary>
/// kube-aggregator's remote availability probe: five attempts at once, each at the next ready endpoint, each a GET of
/// the discovery path as system:kube-aggregator in system:masters (X-Remote-* headers, believed by the backend because
/// the connection presents the front-proxy client certificate), with a 5 s client timeout and a 6 s cap; one 2xx
/// answer is enough. Like upstream, the probe does not verify the backend's certificate ("if someone owns the network
/// and messes with your status that's not so bad"): the caBundle is checked on every proxied request instead.
/// </summary>
public sealed class HttpDiscoveryProbe : IDiscoveryProbe, IDisposable
{
    private const int Attempts = 5;
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AttemptCap = TimeSpan.FromSeconds(6);

    private readonly HttpClient _client;
    private readonly TimeProvider _clock;
    private int _next;

    public HttpDiscoveryProbe(X509Certificate2? proxyClientCertificate, TimeProvider clock)
    {
        _clock = clock;
        var ssl = new SslClientAuthenticationOptions
        {
#pragma warning disable CA5359 // Upstream's probe is insecure on purpose (see the summary); requests are verified against the caBundle.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
        };
        if (proxyClientCertificate is not null)
        {
            ssl.ClientCertificates = [proxyClientCertificate];
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => proxyClientCertificate;
        }
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            SslOptions = ssl,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<string?> ProbeAsync(APIService apiService, IReadOnlyList<IPEndPoint> endpoints, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(apiService);
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0)
        {
            return $"no endpoints available for service \"{apiService.Spec?.Service?.Name}\"";
        }
        var path = apiService.Metadata.Name == "v1." ? $"/api/{apiService.Spec?.Version}" : $"/apis/{apiService.Spec?.Group}/{apiService.Spec?.Version}";
        var attempts = Enumerable.Range(0, Attempts)
            .Select(_ => AttemptAsync(endpoints[(int)((uint)Interlocked.Increment(ref _next) % (uint)endpoints.Count)], path, ct)).ToList();
        string? last = null;
        while (attempts.Count > 0)
        {
            var done = await Task.WhenAny(attempts);
            attempts.Remove(done);
            last = await done;
            if (last is null)
            {
                return null;
            }
        }
        return last;
    }

    private async Task<string?> AttemptAsync(IPEndPoint endpoint, string path, CancellationToken ct)
    {
        var url = $"https://{Go.HostPort(endpoint)}{path}";
        using var cap = new CancellationTokenSource(AttemptCap, _clock);
        using var timeout = new CancellationTokenSource(ClientTimeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cap.Token, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("X-Remote-User", "system:kube-aggregator");
        request.Headers.TryAddWithoutValidation("X-Remote-Group", "system:masters");
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 300 ? null : $"failing or missing response from {url}: bad status from {url}: {code}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return timeout.IsCancellationRequested
                ? $"failing or missing response from {url}: Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
                : $"timed out waiting for {url}";
        }
        catch (HttpRequestException e)
        {
            return $"failing or missing response from {url}: Get \"{url}\": {Go.Describe(e, Go.HostPort(endpoint))}";
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Go's wording of the failures an operator searches for.</summary>
    private static class Go
    {
        public static string HostPort(IPEndPoint endpoint) =>
            endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]:{endpoint.Port}" : $"{endpoint.Address}:{endpoint.Port}";

        public static string Describe(HttpRequestException e, string target) => GoNetErrors.Describe(e, target, "remote error: tls: handshake failure");
    }
}
