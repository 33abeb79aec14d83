using Axolotl.Api.Meta;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// What a node agent may do, after upstream's Node authorizer: read what a kubelet and a service proxy
/// read; read a Secret, ConfigMap, PersistentVolumeClaim or ServiceAccount only when a pod bound to it
/// references it (<see cref="NodeGraph"/>; by name, or list/watch with a metadata.name field selector
/// as the kubelet's per-object watches do); write its own Node and Lease, pod status, events; delete
/// and evict pods. Which object of those a node may write (its own Node, pods bound to it) needs the
/// object itself and is checked by NodeRestriction admission.
/// </summary>
public sealed class NodeAuthorizer(NodeGraph graph)
{
    private const string LeaseNamespace = "kube-node-lease";

    private static readonly HashSet<string> Readable =
    [
        "nodes", "pods", "services", "endpoints", "endpointslices", "namespaces", "leases",
        // Axolotl: the agent mounts a claim's volume and removes the directories of deleted local-path
        // volumes on its node (ADR 0008); a PersistentVolume holds a path, never a secret.
        "persistentvolumes",
        // Axolotl: each node's agent enforces NetworkPolicy for its pods (as a CNI's node agent does with its own account).
        "networkpolicies",
    ];

    /// <summary>A request as the authorizer sees it: verb, the parsed resource path (null for non-resource paths) and its field selector.</summary>
    public sealed record Attributes(string Verb, RequestInfo? Resource, string Path, string? FieldSelector = null);

    /// <summary>Null when allowed; otherwise the Forbidden Status to send.</summary>
    public async Task<Status?> AuthorizeAsync(Principal node, Attributes request, CancellationToken ct)
    {
        if (node.NodeName is not { } self)
        {
            return null;
        }
        if (request.Resource is not { } r)
        {
            return request.Verb == "get" ? null : Deny(node, request, null, null);
        }
        if (r.Subresource is null && NodeGraph.RelatedResources.Contains(r.Resource) && request.Verb is "get" or "list" or "watch")
        {
            return await AuthorizeRelatedReadAsync(node, self, request, r, ct);
        }
        if (r is { Resource: "serviceaccounts", Subresource: "token" } && request.Verb == "create")
        {
            // Tokens only for the ServiceAccounts of its own pods; TokenRequests checks the token is bound to one of them.
            return await AuthorizeRelatedReadAsync(node, self, request, r, ct);
        }
        var allowed = (r.Resource, r.Subresource, request.Verb) switch
        {
            (var res, null or "status", "get" or "list" or "watch") when Readable.Contains(res) => true,
            // Which Node or Lease a node creates is NodeRestriction's question (it sees the decoded body).
            ("nodes", null, "create") => true,
            ("nodes", null or "status", "update" or "patch") => r.Name == self,
            ("leases", null, "create") => r.Namespace == LeaseNamespace,
            ("leases", null, "update" or "patch" or "delete") => r.Namespace == LeaseNamespace && r.Name == self,
            ("pods", "status", "update" or "patch") => true,
            ("pods", null, "delete") => r.Name is not null,
            ("pods", "eviction", "create") => r.Name is not null,
            ("events", null, "create" or "update" or "patch") => true,
            // Certificate renewal (upstream's system:node role); which request is admission's question.
            ("certificatesigningrequests", null, "create" or "get" or "list" or "watch") => r.Group == "certificates.k8s.io",
            _ => false,
        };
        return allowed ? null : Deny(node, request, r, "a node may only change its own Node and Lease, pod status and events");
    }

    private async Task<Status?> AuthorizeRelatedReadAsync(Principal node, string self, Attributes request, RequestInfo r, CancellationToken ct)
    {
        var name = r.Name ?? SingleName(request.FieldSelector);
        if (name is null || r.Namespace is null)
        {
            return Deny(node, request, r, "can only read namespaced object of this type by name");
        }
        return await graph.HasRelationshipAsync(self, r.Resource, r.Namespace, name, ct)
            ? null
            : Deny(node, request, r with { Name = name }, $"no relationship found between node '{self}' and this object");
    }

    /// <summary>The name a "metadata.name=X" field selector (the kubelet's per-object list/watch) picks, else null.</summary>
    internal static string? SingleName(string? fieldSelector)
    {
        if (string.IsNullOrEmpty(fieldSelector))
        {
            return null;
        }
        try
        {
            var selector = FieldSelector.Parse(fieldSelector);
            return selector.Requirements is [{ Field: "metadata.name", Operator: SelectionOperator.Equals } only] ? only.Value : null;
        }
        catch (FormatException)
        {
            return null;
        }
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

    /// <summary>RBAC's and the Node authorizer's Forbidden wording; <paramref name="reason"/> is appended when given.</summary>
    internal static Status Deny(Principal node, Attributes request, RequestInfo? r, string? reason)
    {
        string message;
        if (r is null)
        {
            message = $"forbidden: User \"{node.User}\" cannot {request.Verb} path \"{request.Path}\"";
        }
        else
        {
            var resource = r.Subresource is null ? r.Resource : $"{r.Resource}/{r.Subresource}";
            var scope = r.Namespace is null ? "at the cluster scope" : $"in the namespace \"{r.Namespace}\"";
            var qualified = r.Group.Length == 0 ? resource : $"{resource}.{r.Group}";
            message = $"{qualified}{(r.Name is null ? "" : $" \"{r.Name}\"")} is forbidden: User \"{node.User}\" cannot {request.Verb} resource \"{resource}\" in API group \"{r.Group}\" {scope}{(reason is null ? "" : ": " + reason)}";
        }
        var details = r is null ? null : new StatusDetails { Name = r.Name, Group = r.Group.Length == 0 ? null : r.Group, Kind = r.Resource };
        return ApiErrors.Make(403, "Forbidden", message, details).Status;
    }
}
