using Axolotl.Api.Meta;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// What a node agent may do, after upstream's Node authorizer and NodeRestriction admission: read what
/// a kubelet and a service proxy read; write only its own Node (and status) and its own Lease in
/// kube-node-lease; write pod status, delete pods (the final delete of a terminated pod) and record
/// events. Not enforced here (it needs the store): that the pods written are bound to this node, and
/// that secrets and configmaps read are referenced by its pods.
/// </summary>
public static class NodeAuthorizer
{
    private const string LeaseNamespace = "kube-node-lease";

    private static readonly HashSet<string> Readable =
    [
        "nodes", "pods", "services", "endpoints", "endpointslices", "configmaps", "secrets", "namespaces", "leases",
        "persistentvolumes", "persistentvolumeclaims", "serviceaccounts",
    ];

    /// <summary>A request as the authorizer sees it: verb, the parsed resource path (null for non-resource paths) and, for creates, the new object's name.</summary>
    public sealed record Attributes(string Verb, RequestInfo? Resource, string Path, string? CreatedName);

    /// <summary>Null when allowed; otherwise the Forbidden Status to send.</summary>
    public static Status? Authorize(Principal node, Attributes request)
    {
        if (node.NodeName is not { } self)
        {
            return null;
        }
        if (request.Resource is not { } r)
        {
            return request.Verb == "get" ? null : Deny(node, request, null);
        }
        var allowed = (r.Resource, r.Subresource, request.Verb) switch
        {
            (var res, null or "status", "get" or "list" or "watch") when Readable.Contains(res) => true,
            ("nodes", null, "create") => request.CreatedName == self,
            ("nodes", null or "status", "update" or "patch") => r.Name == self,
            ("leases", null, "create") => r.Namespace == LeaseNamespace && request.CreatedName == self,
            ("leases", null, "update" or "patch" or "delete") => r.Namespace == LeaseNamespace && r.Name == self,
            ("pods", "status", "update" or "patch") => true,
            ("pods", null, "delete") => r.Name is not null,
            ("events", null, "create" or "update" or "patch") => true,
            _ => false,
        };
        return allowed ? null : Deny(node, request, r);
    }

    /// <summary>The Kubernetes verb of a request: get/list/watch/create/update/patch/delete/deletecollection.</summary>
    public static string Verb(string method, RequestInfo? resource, bool watch) => method.ToUpperInvariant() switch
    {
        "GET" or "HEAD" when resource is null || resource.Name is not null => watch ? "watch" : "get",
        "GET" or "HEAD" => watch ? "watch" : "list",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => resource?.Name is null ? "deletecollection" : "delete",
        var other => other.ToLowerInvariant(),
    };

    private static Status Deny(Principal node, Attributes request, RequestInfo? r)
    {
        string message;
        if (r is null)
        {
            message = $"forbidden: User \"{node.User}\" cannot {request.Verb} path \"{request.Path}\"";
        }
        else
        {
            var resource = r.Subresource is null ? r.Resource : $"{r.Resource}/{r.Subresource}";
            var name = r.Name ?? request.CreatedName;
            var scope = r.Namespace is null ? "at the cluster scope" : $"in the namespace \"{r.Namespace}\"";
            message = $"{resource}{(name is null ? "" : $" \"{name}\"")} is forbidden: User \"{node.User}\" cannot {request.Verb} resource \"{resource}\" in API group \"{r.Group}\" {scope}: " +
                $"a node may only change its own Node and Lease, pod status and events";
        }
        var details = r is null ? null : new StatusDetails { Name = r.Name ?? request.CreatedName, Group = r.Group.Length == 0 ? null : r.Group, Kind = r.Resource };
        return ApiErrors.Make(403, "Forbidden", message, details).Status;
    }
}
