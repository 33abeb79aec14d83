using Axolotl.ApiServer.Security.Rbac;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Upstream's BasicLongRunningRequestCheck as kube-apiserver configures it: the watch and proxy verbs,
/// and the attach, exec, proxy, log and portforward subresources. Such requests hold no seat and are
/// never queued or rejected by flow control or the max-in-flight limits.
/// </summary>
public static class LongRunningRequests
{
    private static readonly HashSet<string> Subresources = new(StringComparer.Ordinal) { "attach", "exec", "proxy", "log", "portforward" };

    public static bool Is(AuthorizationRequest request) =>
        request.IsResourceRequest && (request.Verb is "watch" or "proxy" || (request.Subresource is { } sub && Subresources.Contains(sub)));
}
