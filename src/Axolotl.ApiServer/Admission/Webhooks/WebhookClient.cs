using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// Resolves a Service webhook to an address the way this server reaches Services (services/proxy: a ready
/// endpoint of the Service port), or fails with a message for the error.
/// </summary>
public delegate Task<IPEndPoint> WebhookServiceResolver(string ns, string name, int port, CancellationToken ct);

/// <summary>
/// POSTs a review (an AdmissionReview, or a CRD's ConversionReview) to one webhook and returns its body,
/// within the webhook's timeout. Every failure to get a usable answer is a <see cref="WebhookCallException"/> worded as client-go's
/// REST client words it (the url with kube-apiserver's ?timeout= parameter, Go's dial and TLS messages).
/// </summary>
public sealed class WebhookClient(Backends.BackendTransport transport, WebhookServiceResolver resolveService, TimeProvider clock)
{
    /// <summary>Upstream caps what it reads of a webhook's answer well above any object's size; so do we.</summary>
    private const int MaxResponseBytes = 30 * 1024 * 1024;

    /// <summary>An admission webhook, within its timeoutSeconds (10 by default).</summary>
    public Task<byte[]> PostAsync(Webhook hook, JsonObject review, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return PostAsync(hook.Name, hook.ClientConfig, TimeSpan.FromSeconds(hook.TimeoutSeconds ?? 10), review, ct);
    }

    /// <summary>Any webhook: <paramref name="name"/> names it in errors; the request ends after <paramref name="timeout"/>.</summary>
    public async Task<byte[]> PostAsync(string name, WebhookClientConfig? config, TimeSpan timeout, JsonObject review, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(review);
        if (config is null)
        {
            throw Unusable(name, "no clientConfig");
        }
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var (url, connectTo) = await TargetAsync(name, config, linked.Token);
        url = WithTimeout(url, timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(review.ToJsonString())),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (connectTo is not null)
        {
            request.Options.Set(Backends.BackendTransport.ConnectTo, connectTo);
        }
        var client = transport.For(config.CaBundle, out var lastTlsFailure);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var body = await ReadAsync(response, linked.Token);
            if ((int)response.StatusCode is < 200 or > 299)
            {
                throw Failed(name, WebhookHttpStatus.Describe((int)response.StatusCode, body));
            }
            return body;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw Failed(name, $"Post \"{url}\": context deadline exceeded");
        }
        catch (HttpRequestException e)
        {
            throw Failed(name, $"Post \"{url}\": {Backends.BackendErrors.Describe(e, $"{url.Host}:{url.Port}", lastTlsFailure())}");
        }
    }

    private static WebhookCallException Failed(string name, string cause) => new(name, "failed to call webhook: " + cause, cause);

    private static WebhookCallException Unusable(string name, string cause) => new(name, "could not get REST client: " + cause, cause);

    private async Task<(Uri Url, IPEndPoint? ConnectTo)> TargetAsync(string name, WebhookClientConfig config, CancellationToken ct)
    {
        if (config.Url is { } text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed))
            {
                throw Unusable(name, $"invalid url {text}");
            }
            return (parsed, null);
        }
        var service = config.Service!;
        var port = service.Port ?? 443;
        IPEndPoint endpoint;
        try
        {
            endpoint = await resolveService(service.Namespace, service.Name, port, ct);
        }
        catch (ApiException e)
        {
            throw Failed(name, e.Status.Message ?? "");
        }
        // The request names the Service's DNS name, which the certificate must carry; the socket goes to the endpoint.
        var path = service.Path is { Length: > 0 } p ? p : "/";
        var url = new UriBuilder("https", $"{service.Name}.{service.Namespace}.svc", port, path).Uri;
        return (url, endpoint);
    }

    private static Uri WithTimeout(Uri url, TimeSpan timeout)
    {
        var builder = new UriBuilder(url) { Query = "timeout=" + ((int)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s" };
        return builder.Uri;
    }

    private static async Task<byte[]> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw new HttpRequestException("the webhook's answer is larger than 30 MiB");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
