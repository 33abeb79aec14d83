using System.Text;
using Axolotl.ApiServer.Discovery;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.OpenApi;
using Axolotl.ApiServer.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer;

/// <summary>
/// The API server's front door: version, health, discovery, OpenAPI and resource paths. Every
/// failure leaves as a Kubernetes Status; a bug is a 500 with the request logged, never a crash.
/// </summary>
public sealed partial class ApiRouter(
    ResourceHandler resources,
    ServedDiscovery discovery,
    ServedOpenApi openApi,
    ILogger<ApiRouter> logger)
{
    private static readonly byte[] VersionJson = Encoding.UTF8.GetBytes(
        """{"major":"1","minor":"32","gitVersion":"v1.32.4-axolotl","gitCommit":"0000000000000000000000000000000000000000","gitTreeState":"clean","buildDate":"2026-11-21T00:00:00Z","goVersion":"go1.23.8","compiler":"gc","platform":"linux/amd64"}""");

    private static readonly byte[] Ok = "ok"u8.ToArray();

    /// <summary>Service account issuer discovery; null where a test builds a router without it.</summary>
    public ServiceAccounts.IssuerDiscovery? IssuerDiscovery { get; init; }

    /// <summary>/metrics (the server's own families) and /metrics/kube-state-metrics; null where a test builds a router without them.</summary>
    public Metrics.MetricsEndpoint? Metrics { get; init; }

    public Metrics.MetricsEndpoint? KubeStateMetrics { get; init; }

    /// <summary>Aggregated API servers (remote APIServices and the proxy to them); null where a test builds a router without them.</summary>
    public Aggregation.AggregationRoutes? Aggregation { get; init; }

    /// <summary>Cancelled when the server stops: a request it cuts short is not a failure (see <see cref="RequestFailures"/>).</summary>
    public CancellationToken Stopping { get; init; }

    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            await RouteAsync(ctx);
        }
        catch (Exception e)
        {
            await new RequestFailures(logger, Stopping).WriteAsync(ctx, e);
        }
        // The access log kube-apiserver writes at -v=6 and above (Trace here); a watch logs when it ends.
        if (logger.IsEnabled(LogLevel.Trace))
        {
            LogServed(logger, ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString, ctx.Response.StatusCode);
        }
    }

    private Task RouteAsync(HttpContext ctx)
    {
        var parts = RequestPath.Segments(ctx);
        var get = ctx.Request.Method is "GET" or "HEAD";
        var documents = get ? discovery.Current : null!;
        return parts switch
        {
            ["version"] when get => ResponseWriter.WriteBytesAsync(ctx, 200, VersionJson),
            ["healthz" or "livez" or "readyz", ..] when get => ResponseWriter.WriteBytesAsync(ctx, 200, Ok, "text/plain; charset=utf-8"),
            ["api"] when get => Discovery(ctx, documents.AggregatedCore, documents.LegacyApiVersions),
            ["apis"] when get => Discovery(ctx, documents.AggregatedGroups, documents.LegacyGroupList),
            ["api", "v1"] when get => Text(ctx, documents.LegacyResourceLists["v1"]),
            ["apis", var g, var v, ..] when RemoteFor(g, v) is { } remote => Aggregation!.Proxy.HandleAsync(ctx, remote),
            ["apis", var g] when get => documents.LegacyGroups.TryGetValue(g, out var doc) ? Text(ctx, doc) : throw ApiErrors.NoSuchPath(),
            ["apis", var g, var v] when get =>
                documents.LegacyResourceLists.TryGetValue($"{g}/{v}", out var doc) ? Text(ctx, doc) : throw ApiErrors.NoSuchPath(),
            ["api", "v1", .. var rest] => Resource(ctx, "", "v1", rest),
            ["apis", var g, var v, .. var rest] => Resource(ctx, g, v, rest),
            ["openapi", "v2"] when get => OpenApiV2Async(ctx),
            ["openapi", "v3", .. var rest] when get => OpenApiAsync(ctx, rest),
            [".well-known", "openid-configuration"] when get && IssuerDiscovery is { } issuer => issuer.ConfigurationAsync(ctx),
            ["openid", "v1", "jwks"] when get && IssuerDiscovery is { } issuer => issuer.JwksAsync(ctx),
            ["metrics"] when get && Metrics is { } metrics => metrics.ServeAsync(ctx),
            ["metrics", "kube-state-metrics"] when get && KubeStateMetrics is { } kubeState => kubeState.ServeAsync(ctx),
            _ => throw ApiErrors.NoSuchPath(),
        };
    }

    /// <summary>
    /// The remote APIService of a group/version, or null. It wins over what this server serves itself (a built-in such as
    /// metrics.k8s.io once metrics-server is installed), as kube-aggregator's proxy takes the path from its delegate;
    /// back to Local (no service), the built-in serves again.
    /// </summary>
    private Aggregation.RemoteApiService? RemoteFor(string group, string version) =>
        Aggregation is { } aggregation && aggregation.ApiServices.Current.Remote.TryGetValue($"{group}/{version}", out var remote) ? remote : null;

    /// <summary>The documents are built in the background after start (reflection over every kind); the first caller waits.</summary>
    private async Task OpenApiAsync(HttpContext ctx, string[] rest)
    {
        var documents = await openApi.CurrentAsync();
        var body = rest.Length == 0 ? documents.IndexJson : documents.DocumentJson(string.Join('/', rest)) ?? throw ApiErrors.NoSuchPath();
        await ResponseWriter.WriteBytesAsync(ctx, 200, body);
    }

    /// <summary>
    /// Swagger 2.0 as JSON unless the client asks for the gnostic protobuf first (kubectl's fallback
    /// Accept), which gets the small protobuf document kubectl needs (<see cref="OpenApiV2"/>).
    /// </summary>
    private async Task OpenApiV2Async(HttpContext ctx)
    {
        if (OpenApiV2.PrefersProtobuf(ctx.Request.Headers.Accept))
        {
            await ResponseWriter.WriteBytesAsync(ctx, 200, OpenApiV2.Document, OpenApiV2.ContentType);
            return;
        }
        var documents = await openApi.CurrentAsync();
        await ResponseWriter.WriteBytesAsync(ctx, 200, documents.SwaggerJson);
    }

    private Task Resource(HttpContext ctx, string group, string version, string[] rest)
    {
        var info = RequestInfo.Parse(group, version, rest) ?? throw ApiErrors.NoSuchPath();
        var type = info.ResolveType(discovery.Catalog) ?? throw ApiErrors.NoSuchPath();
        if ((type.Namespaced && info.Namespace is null && info.Name is not null) || (!type.Namespaced && info.Namespace is not null))
        {
            throw ApiErrors.NoSuchPath();
        }
        if (type.Namespaced && info.Namespace is null && !HttpMethods.IsGet(ctx.Request.Method))
        {
            // The all-namespaces path of a namespaced resource serves list and watch only, as kube-apiserver
            // registers it: a create or a delete-collection there is 405 for a built-in kind, and 404 for a
            // custom resource (the CRD handler passes the request on and nothing else serves it). Never a
            // delete-collection across every namespace.
            throw type.IsCustom ? ApiErrors.NoSuchPath() : ApiErrors.MethodNotAllowed();
        }
        return resources.HandleAsync(new RequestScope(ctx, type, info.Namespace, info.Name, info.Subresource));
    }

    private static Task Discovery(HttpContext ctx, string aggregated, string legacy) =>
        MediaTypes.WantsAggregatedDiscovery(ctx.Request.Headers.Accept)
            ? ResponseWriter.WriteBytesAsync(ctx, 200, Encoding.UTF8.GetBytes(aggregated + "\n"), MediaTypes.AggregatedDiscovery)
            : Text(ctx, legacy);

    // Discovery documents leave kube-apiserver through its object encoder, which ends them with a newline.
    private static Task Text(HttpContext ctx, string json) => ResponseWriter.WriteBytesAsync(ctx, 200, Encoding.UTF8.GetBytes(json + "\n"));

    [LoggerMessage(Level = LogLevel.Trace, Message = "{Method} {Path}: {Code}")]
    private static partial void LogServed(ILogger logger, string method, string path, int code);
}
