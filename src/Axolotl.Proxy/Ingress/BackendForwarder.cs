using System.Net;
using Axolotl.Proxy.Balancing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// Sends one request to a Service port's endpoints with YARP, for the Ingress and the Gateway API routes alike:
/// resolve the port to its endpoints (no Service, port or endpoint: 503) and forward to one endpoint in turn. When
/// the endpoint fails before any response byte (refused, reset, timed out) and the request can be sent again (an
/// idempotent method, or a body not yet read), it goes to another endpoint, as the service proxy replays an
/// unanswered connection; the failed endpoint is quarantined in the shared picker.
/// </summary>
public sealed class BackendForwarder(IngressBackendResolver backends, EndpointPicker picker, HttpMessageInvoker client, IngressOptions options, ILogger logger)
{
    // Pods speak HTTP/1.1 in clear text; an HTTP/2 client's request is sent on as HTTP/1.1 (as nginx does).
    private readonly ForwarderRequestConfig _config = new()
    {
        ActivityTimeout = options.BackendTimeout,
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    public async Task ForwardAsync(HttpContext context, IHttpForwarder forwarder, IngressRouteBackend backend)
    {
        var route = backends.Resolve(backend);
        var endpoints = route is null ? [] : route.ClusterEndpoints;
        if (route is null || endpoints.Count == 0)
        {
            await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"503 Service Unavailable: {backend} has no ready endpoint");
            return;
        }
        var body = new ObservedRequestBodyStream(context.Request.Body);
        context.Request.Body = body;
        HashSet<IPEndPoint>? tried = null;
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = picker.Pick(route.Name, endpoints, tried);
            if (endpoint is null)
            {
                // Every endpoint failed before answering: the last failure's 502 (or 504) stands.
                var backendText = backend.ToString();
                IngressLog.NoEndpointLeft(logger, backendText, attempt - 1);
                return;
            }
            if (attempt > 1)
            {
                Reset(context);
            }
            var error = await forwarder.SendAsync(context, $"http://{endpoint.EndPoint}", client, _config, ForwardedHeaders.Instance, context.RequestAborted);
            if (error == ForwarderError.None)
            {
                return;
            }
            if (error is not (ForwarderError.Request or ForwarderError.RequestTimedOut))
            {
                return;
            }
            picker.Failed(endpoint.EndPoint);
            var replayable = !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested && (IsIdempotent(context.Request.Method) || !body.Started);
            if (!replayable || attempt >= options.MaxAttempts)
            {
                return;
            }
            IngressLog.Replayed(logger, context.Request.Method, backend, endpoint);
            (tried ??= []).Add(endpoint.EndPoint);
        }
    }

    /// <summary>Methods RFC 9110 calls idempotent: sending one twice has the effect of sending it once.</summary>
    public static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method) ||
        HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);

    /// <summary>Clears what the failed attempt left on the response (status, headers, YARP's error) before the next one.</summary>
    private static void Reset(HttpContext context)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Features.Set<IForwarderErrorFeature>(null);
    }

    /// <summary>A plain-text answer of the proxy itself (404, 500, 503).</summary>
    public static Task WriteAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text + "\n", context.RequestAborted);
    }
}
