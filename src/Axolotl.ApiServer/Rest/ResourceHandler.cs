using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Watch;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Rest;

/// <summary>Routes a resource request to the handler for its verb and subresource.</summary>
public sealed class ResourceHandler(
    ReadHandler reads,
    CreateHandler creates,
    UpdateHandler updates,
    DeleteHandler deletes,
    WatchHandler watches,
    ScaleHandler scales,
    PodSubresources pods,
    NodeProxy.NodeProxy nodes,
    Reviews? reviews = null)
{
    /// <summary>serviceaccounts/token; null where a test builds the handler without a signing key.</summary>
    public TokenRequests? TokenRequests { get; init; }

    /// <summary>metrics.k8s.io; null where a test builds the handler without node access.</summary>
    public Metrics.ResourceMetricsHandler? ResourceMetrics { get; init; }

    public Task HandleAsync(RequestScope scope)
    {
        var method = scope.Http.Request.Method;
        if (Api.Scheme.KnownResources.IsReview(scope.Type))
        {
            return reviews?.CreateAsync(scope) ?? throw ApiErrors.NoSuchPath();
        }
        if (Metrics.ResourceMetricsHandler.Serves(scope.Type))
        {
            return ResourceMetrics?.HandleAsync(scope) ?? throw ApiErrors.NoSuchPath();
        }
        var sub = scope.Subresource;
        if (sub is not null && !scope.Type.HasSubresource(sub))
        {
            throw ApiErrors.NoSuchPath();
        }
        if (scope.Name is null)
        {
            return method switch
            {
                "GET" when IsWatch(scope) => watches.WatchAsync(scope),
                "GET" => reads.ListAsync(scope),
                "POST" => creates.CreateAsync(scope),
                "DELETE" => deletes.DeleteCollectionAsync(scope),
                _ => throw ApiErrors.MethodNotAllowed(),
            };
        }
        return (method, sub) switch
        {
            ("GET", null or "status" or "approval" or "ephemeralcontainers") => reads.GetAsync(scope),
            ("PUT", null or "status" or "finalize" or "approval" or "ephemeralcontainers") => updates.UpdateAsync(scope),
            ("PATCH", null or "status" or "approval" or "ephemeralcontainers") => updates.PatchAsync(scope),
            ("DELETE", null) => deletes.DeleteAsync(scope),
            ("GET", "scale") => scales.GetAsync(scope),
            ("PUT", "scale") => scales.UpdateAsync(scope, isPatch: false),
            ("PATCH", "scale") => scales.UpdateAsync(scope, isPatch: true),
            ("POST", "binding") => pods.BindAsync(scope),
            ("POST", "eviction") => pods.EvictAsync(scope),
            ("POST", "token") when TokenRequests is not null => TokenRequests.CreateAsync(scope),
            (_, "log") => nodes.LogsAsync(scope),
            ("GET" or "POST", "exec") => nodes.ExecAsync(scope),
            ("GET" or "POST", "portforward") => nodes.PortForwardAsync(scope),
            (_, "proxy") => nodes.ResourceProxyAsync(scope),
            ("GET" or "POST", "attach") => nodes.AttachAsync(scope),
            _ => throw ApiErrors.MethodNotAllowed(),
        };
    }

    private static bool IsWatch(RequestScope scope) => scope.Bool("watch");
}
