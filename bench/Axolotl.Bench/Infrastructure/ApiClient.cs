using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// One client connection to the API server: its own SocketsHttpHandler (so N clients are N TLS
/// connections), the bearer token, the cluster CA as the only trust root, and HTTP/2 (as kubectl and
/// client-go negotiate it) or HTTP/1.1 keep-alive. Responses are read to the last byte before a call
/// returns, so a timed call covers the whole transfer.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    /// <summary>The Accept header kubectl 1.32 sends for `kubectl get` (server-side printing).</summary>
    public const string TableAccept =
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly HttpClient _http;

    /// <param name="clientCertificate">When given, the client authenticates with it instead of the kubeconfig's token.</param>
    /// <param name="token">When given, the bearer token sent instead of the kubeconfig's (e.g. a ServiceAccount's).</param>
    public ApiClient(Kubeconfig config, bool http2, TimeSpan? requestTimeout = null, X509Certificate2? clientCertificate = null, string? token = null)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(config.CaPem);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MaxConnectionsPerServer = 1,
            // As kubectl's and client-go's Go transport (4 MiB per stream), not .NET's 64 KiB: a watch's events are not held
            // back at the server until this process has read the last window.
            InitialHttp2StreamWindowSize = 4 << 20,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, errors) => Trusted(roots, cert, errors) },
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }
        _http = new HttpClient(handler)
        {
            BaseAddress = config.Server,
            Timeout = requestTimeout ?? TimeSpan.FromSeconds(60),
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (clientCertificate is null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? config.Token);
        }
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("axolotl-bench/0.1");
    }

    /// <summary>POSTs <paramref name="json"/> and requires 201 Created.</summary>
    public Task<byte[]> CreateAsync(string path, byte[] json, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, json, accept: null, HttpStatusCode.Created, ct);

    /// <summary>GETs <paramref name="path"/> (an object or a list) and requires 200 OK.</summary>
    public Task<byte[]> GetAsync(string path, CancellationToken ct, string? accept = null) =>
        SendAsync(HttpMethod.Get, path, body: null, accept, HttpStatusCode.OK, ct);

    public async Task<byte[]> SendAsync(HttpMethod method, string path, byte[]? body, string? accept, HttpStatusCode expected, CancellationToken ct)
    {
        using var request = NewRequest(method, path);
        request.Headers.Accept.ParseAdd(accept ?? "application/json");
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = JsonContentType } };
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.StatusCode != expected)
        {
            var text = System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 600));
            throw new HttpRequestException($"{method} {path}: want {(int)expected}, got {(int)response.StatusCode}: {text}");
        }
        return bytes;
    }

    /// <summary>A GET answered as it comes, whatever its status: the body, its content type and the status code.</summary>
    public async Task<(byte[] Body, string? ContentType, int Status)> FetchAsync(string pathAndQuery, string? accept, CancellationToken ct)
    {
        using var request = NewRequest(HttpMethod.Get, pathAndQuery);
        if (!string.IsNullOrEmpty(accept))
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (await response.Content.ReadAsByteArrayAsync(ct), response.Content.Headers.ContentType?.ToString(), (int)response.StatusCode);
    }

    /// <summary>Sends <paramref name="request"/> (over this client's HTTP version) and reads the whole answer, whatever its status; the caller disposes it.</summary>
    public Task<HttpResponseMessage> ExchangeAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Version = _http.DefaultRequestVersion;
        request.VersionPolicy = _http.DefaultVersionPolicy;
        return _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }

    // HttpClient applies DefaultRequestVersion only to the requests its own helpers create: a message built here
    // would otherwise go out as HTTP/1.1, whatever the client was made for.
    private HttpRequestMessage NewRequest(HttpMethod method, string path) =>
        new(method, path) { Version = _http.DefaultRequestVersion, VersionPolicy = _http.DefaultVersionPolicy };

    /// <summary>Opens a streaming GET (a watch); the caller reads and disposes the response.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken ct)
    {
        using var request = NewRequest(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/json");
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            response.Dispose();
            throw new HttpRequestException($"GET {path}: want 200, got {(int)response.StatusCode}: {text}");
        }
        return response;
    }

    /// <summary>Timeouts are per request, so a watch needs a client without one.</summary>
    public static ApiClient ForStreaming(Kubeconfig config, bool http2) => new(config, http2, Timeout.InfiniteTimeSpan);

    private static bool Trusted(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        return chain.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
    }

    public void Dispose() => _http.Dispose();
}
