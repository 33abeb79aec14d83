using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Hosting;

namespace Axolotl.Client;

/// <summary>
/// The HTTP client for the Kubernetes REST API. One instance owns one HttpClient (HTTP/2 over TLS when
/// the server offers it, HTTP/1.1 otherwise) and is safe to share between threads and controllers.
/// Typed operations live on <see cref="ResourceClient{T}"/>: <c>client.Resource&lt;Pod&gt;()</c> for a
/// modelled kind, <c>client.Resource&lt;Unstructured&gt;(type)</c> or <c>client.Raw(type)</c> for any kind.
/// </summary>
public sealed class KubeClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _baseUrl;

    public KubeClient(KubeClientOptions options)
    {
        Options = options;
        _baseUrl = options.Server.AbsoluteUri.TrimEnd('/');
        var handler = options.Handler ?? CreateHandler(options);
        if (options.FailoverServers.Count > 0)
        {
            handler = new ServerFailoverHandler([options.Server, .. options.FailoverServers], handler);
        }
        _http = new HttpClient(handler, disposeHandler: true)
        {
            // Deadlines are per request (RequestTimeout) so that watches can stay open.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.UserAgent.TryParseAdd(options.UserAgent);
        if (!string.IsNullOrEmpty(options.BearerToken))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.BearerToken);
        }
    }

    public KubeClientOptions Options { get; }

    /// <summary>A client for <paramref name="server"/> that trusts <paramref name="certificateAuthorityPem"/> (or the system store).</summary>
    public static KubeClient Create(Uri server, string? bearerToken = null, string? certificateAuthorityPem = null) =>
        new(new KubeClientOptions { Server = server, BearerToken = bearerToken, CertificateAuthorityPem = certificateAuthorityPem });

    /// <summary>A client that sends every request through <paramref name="handler"/> (tests, in-process servers).</summary>
    public static KubeClient Create(Uri server, HttpMessageHandler handler, string? bearerToken = null) =>
        new(new KubeClientOptions { Server = server, BearerToken = bearerToken, Handler = handler });

    /// <summary>A client configured from a kubeconfig file's current context (or <paramref name="context"/>).</summary>
    public static KubeClient FromKubeconfig(string path, string? context = null) => new(KubeconfigLoader.Load(path, context));

    /// <summary>Operations on the resource that models <typeparamref name="T"/> in <see cref="KnownResources"/>.</summary>
    public ResourceClient<T> Resource<T>()
        where T : KubeObject =>
        new(this, KnownResources.ForType<T>());

    /// <summary>Operations on <paramref name="resource"/>, decoding objects as <typeparamref name="T"/> (e.g. <see cref="Unstructured"/>).</summary>
    public ResourceClient<T> Resource<T>(ResourceType resource)
        where T : class =>
        new(this, resource);

    /// <summary>Untyped operations on any resource, objects as <see cref="JsonObject"/>.</summary>
    public ResourceClient<JsonObject> Raw(ResourceType resource) => new(this, resource);

    // Shortcuts for the common typed calls.
    public Task<T> GetAsync<T>(string? ns, string name, CancellationToken ct)
        where T : KubeObject => Resource<T>().GetAsync(ns, name, ct);

    public Task<KubeList<T>> ListAsync<T>(string? ns, ListOptions? options, CancellationToken ct)
        where T : KubeObject => Resource<T>().ListAsync(ns, options, ct);

    public Task<T> CreateAsync<T>(T value, CancellationToken ct)
        where T : KubeObject => Resource<T>().CreateAsync(value, ct);

    public Task<T> UpdateAsync<T>(T value, CancellationToken ct)
        where T : KubeObject => Resource<T>().UpdateAsync(value, ct);

    public Task<T> UpdateStatusAsync<T>(T value, CancellationToken ct)
        where T : KubeObject => Resource<T>().UpdateStatusAsync(value, ct);

    public Task<T> PatchAsync<T>(string? ns, string name, PatchType type, string patch, CancellationToken ct)
        where T : KubeObject => Resource<T>().PatchAsync(ns, name, type, patch, ct);

    public Task<T?> DeleteAsync<T>(string? ns, string name, DeleteOptions? options, CancellationToken ct)
        where T : KubeObject => Resource<T>().DeleteAsync(ns, name, options, ct);

    public IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? ns, ListOptions? options, CancellationToken ct)
        where T : KubeObject => Resource<T>().WatchAsync(ns, options, ct);

    public void Dispose() => _http.Dispose();

    internal string Url(string pathAndQuery) => _baseUrl + pathAndQuery;

    /// <summary>Sends one request and decodes a 2xx body as <typeparamref name="TResult"/>; anything else throws <see cref="KubeApiException"/>.</summary>
    internal async Task<TResult> SendAsync<TResult>(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken ct)
    {
        var node = await SendForNodeAsync(method, pathAndQuery, content, ct);
        return node is null
            ? throw new InvalidDataException($"{method} {pathAndQuery}: the server answered with an empty body")
            : node.Deserialize<TResult>(KubeJson.Options)
              ?? throw new InvalidDataException($"{method} {pathAndQuery}: the body decoded to null");
    }

    /// <summary>Sends one request and returns the 2xx body as JSON (null when empty).</summary>
    internal async Task<JsonNode?> SendForNodeAsync(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken ct)
    {
        using var deadline = Deadline.After(Options.RequestTimeout, Options.Clock, ct);
        using var request = NewRequest(method, pathAndQuery, content);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw await ErrorFromAsync(response, deadline.Token);
            }
            var bytes = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            return bytes.Length == 0 ? null : JsonNode.Parse(bytes);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{method} {pathAndQuery} took longer than {Options.RequestTimeout}", e);
        }
    }

    /// <summary>Opens a watch and yields one parsed line at a time until the server ends the stream.</summary>
    internal async IAsyncEnumerable<JsonObject> StreamAsync(string pathAndQuery, [EnumeratorCancellation] CancellationToken ct)
    {
        using var request = NewRequest(HttpMethod.Get, pathAndQuery, null);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorFromAsync(response, ct);
        }
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            yield return JsonNode.Parse(line)?.AsObject()
                ?? throw new InvalidDataException($"watch {pathAndQuery}: a line held JSON null");
        }
    }

    internal static HttpContent JsonContent(JsonNode body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString(KubeJson.Options)));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    internal static HttpContent RawContent(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string pathAndQuery, HttpContent? content) =>
        new(method, Url(pathAndQuery))
        {
            Content = content,
            Version = HttpVersion.Version20,
            // HTTP/2 when TLS negotiates it, HTTP/1.1 otherwise (plain http never tries h2c).
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

    internal static async Task<KubeApiException> ErrorFromAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var code = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(ct);
        Status? status = null;
        try
        {
            if (text.Length > 0 && JsonNode.Parse(text) is JsonObject node && node["kind"]?.GetValue<string>() == "Status")
            {
                status = node.Deserialize<Status>(KubeJson.Options);
            }
        }
        catch (JsonException)
        {
            // Not a Status: fall through and describe the raw answer.
        }
        catch (InvalidOperationException)
        {
            // "kind" was not a string.
        }
        status ??= new Status
        {
            Outcome = "Failure",
            Code = code,
            Reason = KubeApiException.ReasonFor(code),
            Message = text.Length > 0 ? text.Trim() : $"the server answered {code} {response.ReasonPhrase}",
        };
        if (status.Code == 0)
        {
            status.Code = code;
        }
        return new KubeApiException(status);
    }

    private static SocketsHttpHandler CreateHandler(KubeClientOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // Many long watches share the server: let HTTP/2 open more connections past the stream limit.
            EnableMultipleHttp2Connections = true,
            InitialHttp2StreamWindowSize = Http2Windows.StreamWindowSize,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // Pings find a dead HTTP/2 connection under a silent watch.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            AutomaticDecompression = DecompressionMethods.GZip,
        };
        if (options.InsecureSkipTlsVerify)
        {
            // Only when the kubeconfig (or caller) explicitly asks for insecure-skip-tls-verify.
#pragma warning disable CA5359
            handler.SslOptions.RemoteCertificateValidationCallback = CertificateTrust.AcceptAny;
#pragma warning restore CA5359
        }
        else if (!string.IsNullOrEmpty(options.CertificateAuthorityPem))
        {
            handler.SslOptions.RemoteCertificateValidationCallback = CertificateTrust.ForCertificateAuthority(options.CertificateAuthorityPem);
        }
        if (options.ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [options.ClientCertificate];
        }
        return handler;
    }
}
