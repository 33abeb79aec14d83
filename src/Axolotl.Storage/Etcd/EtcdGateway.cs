using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Axolotl.Storage.Etcd;

/// <summary>
/// etcd's v3 API through its grpc-gateway (JSON over HTTP/1.1 on the client port), which is what works
/// from .NET here: the gRPC client packages do not restore (see docs/adr/0009-etcd-store.md). Requests go
/// to the member that answered last; a member that refuses the connection is skipped for the next one.
/// A request that reached a member and then failed is retried elsewhere only when it is a read: a write
/// may have been applied, so its caller gets <see cref="StoreUnavailableException"/> instead.
/// </summary>
internal sealed class EtcdGateway : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly IReadOnlyList<Uri> _endpoints;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeProvider _time;
    private int _preferred;

    public EtcdGateway(EtcdStoreOptions options, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfZero(options.Endpoints.Count);
        _endpoints = options.Endpoints;
        _timeout = options.RequestTimeout;
        _connectTimeout = options.ConnectTimeout;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            SslOptions = options.Tls?.ClientOptions() ?? new System.Net.Security.SslClientAuthenticationOptions(),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
        };
    }

    public string Describe() => string.Join(",", _endpoints.Select(e => e.ToString().TrimEnd('/')));

    /// <summary>The members' client URLs as configured.</summary>
    public IReadOnlyList<Uri> Endpoints => _endpoints;

    /// <summary>
    /// POSTs to one named member and no other: maintenance (status, defragment) is about that member. Not
    /// retried; any failure to get an answer is <see cref="StoreUnavailableException"/>.
    /// </summary>
    public async Task<JsonDocument> PostToMemberAsync(Uri endpoint, string path, byte[] body, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            var (status, document) = await SendUnaryAsync(endpoint, path, body, linked.Token);
            if ((int)status is >= 200 and < 300)
            {
                return document;
            }

            using (document)
            {
                throw ToException(document.RootElement, status);
            }
        }
        catch (HttpRequestException e)
        {
            throw new StoreUnavailableException($"etcd member {Name(endpoint)}: {e.Message}");
        }
        catch (OperationCanceledException) when (!linked.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"etcd member {Name(endpoint)}: {NoConnection()}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"etcd member {Name(endpoint)}: no answer to {path} within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>POSTs one unary request ("/v3/kv/range", …) and returns the parsed answer.</summary>
    public async Task<JsonDocument> PostAsync(string path, byte[] body, bool idempotent, CancellationToken ct)
    {
        var failures = new List<string>();
        var start = Volatile.Read(ref _preferred);
        for (var attempt = 0; attempt < _endpoints.Count; attempt++)
        {
            var index = (start + attempt) % _endpoints.Count;
            var endpoint = _endpoints[index];
            using var timeout = new CancellationTokenSource(_timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                var (status, document) = await SendUnaryAsync(endpoint, path, body, linked.Token);
                if ((int)status is >= 200 and < 300)
                {
                    Volatile.Write(ref _preferred, index);
                    return document;
                }

                var error = ToException(document.RootElement, status);
                document.Dispose();
                if (error is StoreUnavailableException && idempotent)
                {
                    failures.Add($"{Name(endpoint)}: {error.Message}");
                    continue;
                }

                throw error;
            }
            catch (HttpRequestException e) when (idempotent || e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                // Refused or reset before the request went out (or a read, which is safe to repeat): next member.
                failures.Add($"{Name(endpoint)}: {e.Message}");
            }
            catch (HttpRequestException e)
            {
                throw new StoreUnavailableException($"etcd member {Name(endpoint)} failed during a write, its outcome is unknown: {e.Message}");
            }
            catch (OperationCanceledException) when (!linked.IsCancellationRequested)
            {
                // Cancelled by neither us nor the caller: the handler's connect timeout, so the request never went out.
                failures.Add($"{Name(endpoint)}: {NoConnection()}");
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                var message = $"{Name(endpoint)}: no answer within {_timeout.TotalSeconds:0.#} s";
                if (!idempotent)
                {
                    throw new StoreUnavailableException($"etcd request timed out, the write's outcome is unknown ({message})");
                }

                failures.Add(message);
            }
        }

        throw new StoreUnavailableException($"etcd is unavailable: {string.Join("; ", failures)}");
    }

    /// <summary>
    /// Opens a watch stream (newline-delimited JSON responses) on the first member that accepts it. Only the
    /// wait for the response headers is bounded; the stream itself lives until <paramref name="ct"/> ends it.
    /// </summary>
    public async Task<(HttpResponseMessage Response, Stream Body)> OpenWatchAsync(byte[] body, CancellationToken ct)
    {
        var failures = new List<string>();
        var start = Volatile.Read(ref _preferred);
        for (var attempt = 0; attempt < _endpoints.Count; attempt++)
        {
            var endpoint = _endpoints[(start + attempt) % _endpoints.Count];
            using var timeout = new CancellationTokenSource(_timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            HttpResponseMessage? response = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "/v3/watch")) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = Json;
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                if (!response.IsSuccessStatusCode)
                {
                    failures.Add($"{Name(endpoint)}: HTTP {(int)response.StatusCode}");
                    response.Dispose();
                    continue;
                }

                var stream = await response.Content.ReadAsStreamAsync(ct);
                return (response, stream);
            }
            catch (Exception e) when (e is HttpRequestException or IOException
                || (e is OperationCanceledException && timeout.IsCancellationRequested && !ct.IsCancellationRequested))
            {
                response?.Dispose();
                failures.Add($"{Name(endpoint)}: {e.Message}");
            }
            catch (OperationCanceledException) when (!linked.IsCancellationRequested)
            {
                response?.Dispose();
                failures.Add($"{Name(endpoint)}: {NoConnection()}");
            }
        }

        throw new StoreUnavailableException($"etcd is unavailable for a watch: {string.Join("; ", failures)}");
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// SocketsHttpHandler reports its ConnectTimeout (TCP connect and TLS handshake) as a cancellation that neither the
    /// caller's token nor the request's deadline made; on a busy machine a handshake can take that long.
    /// </summary>
    private string NoConnection() => $"no connection within {_connectTimeout.TotalSeconds:0.#} s";

    /// <summary>One POST to one member: its status code and its parsed answer (the caller disposes it).</summary>
    private async Task<(HttpStatusCode Status, JsonDocument Answer)> SendUnaryAsync(Uri endpoint, string path, byte[] body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (response.StatusCode, ParseAnswer(endpoint, await response.Content.ReadAsByteArrayAsync(ct)));
    }

    /// <summary>Maps an error answer ({"error","code","message"}) onto the store's exceptions.</summary>
    internal static StoreException ToException(JsonElement error, HttpStatusCode status)
    {
        var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()!
            : $"HTTP {(int)status}";
        var code = EtcdJson.Long(error, "code");
        if (message.Contains("required revision has been compacted", StringComparison.Ordinal))
        {
            return new EtcdRevisionException(compacted: true, message);
        }

        if (message.Contains("required revision is a future revision", StringComparison.Ordinal))
        {
            return new EtcdRevisionException(compacted: false, message);
        }

        // gRPC Unavailable (14), DeadlineExceeded (4), and the server's own "request timed out"/"no leader"
        // (sent as Unknown) all mean "try again later", not a problem with the request.
        return code is 14 or 4 || status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            || message.Contains("etcdserver: request timed out", StringComparison.Ordinal)
            || message.Contains("etcdserver: no leader", StringComparison.Ordinal)
            || message.Contains("etcdserver: leader changed", StringComparison.Ordinal)
            ? new StoreUnavailableException(message)
            : new StoreException($"etcd refused the request: {message}");
    }

    private static JsonDocument ParseAnswer(Uri endpoint, byte[] bytes)
    {
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new StoreUnavailableException($"{Name(endpoint)} did not answer like etcd's JSON gateway: {e.Message}");
        }
    }

    private static string Name(Uri endpoint) => endpoint.ToString().TrimEnd('/');
}
