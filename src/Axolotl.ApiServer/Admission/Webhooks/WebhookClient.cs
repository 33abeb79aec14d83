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
/// POSTs an AdmissionReview to one webhook and returns its body, within the webhook's timeoutSeconds.
/// Every failure to get a usable answer is a <see cref="WebhookCallException"/> worded as client-go's
/// REST client words it (the url with kube-apiserver's ?timeout= parameter, Go's dial and TLS messages).
/// </summary>
public sealed class WebhookClient(Backends.BackendTransport transport, WebhookServiceResolver resolveService, TimeProvider clock)
{
    /// <summary>Upstream caps what it reads of a webhook's answer well above any object's size; so do we.</summary>
    private const int MaxResponseBytes = 30 * 1024 * 1024;

    public async Task<byte[]> PostAsync(Webhook hook, JsonObject review, CancellationToken ct)
    {
        var config = hook.ClientConfig ?? throw new WebhookCallException(hook.Name, "could not get REST client: no clientConfig");
        var timeout = TimeSpan.FromSeconds(hook.TimeoutSeconds ?? 10);
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var (url, connectTo) = await TargetAsync(hook, config, linked.Token);
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
                throw Failed(hook, WebhookHttpStatus.Describe((int)response.StatusCode, body));
            }
            return body;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw Failed(hook, $"Post \"{url}\": context deadline exceeded");
        }
        catch (HttpRequestException e)
        {
            throw Failed(hook, $"Post \"{url}\": {Backends.BackendErrors.Describe(e, $"{url.Host}:{url.Port}", lastTlsFailure())}");
        }
    }

    private static WebhookCallException Failed(Webhook hook, string reason) => new(hook.Name, "failed to call webhook: " + reason);

    private async Task<(Uri Url, IPEndPoint? ConnectTo)> TargetAsync(Webhook hook, WebhookClientConfig config, CancellationToken ct)
    {
        if (config.Url is { } text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed))
            {
                throw new WebhookCallException(hook.Name, $"could not get REST client: invalid url {text}");
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
            throw new WebhookCallException(hook.Name, "failed to call webhook: " + e.Status.Message);
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
