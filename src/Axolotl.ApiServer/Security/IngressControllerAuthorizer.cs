using Axolotl.Api.Meta;
using Axolotl.ApiServer.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// What a joined node's edge controllers (user system:axolotl-ingress-controller:NODE) may do beyond their RBAC role,
/// in the Node authorizer's manner: read a Secret only when an Ingress or Gateway this cluster's controllers serve
/// names it (<see cref="IngressControllerGraph"/>), by name or with a list/watch narrowed to it by a metadata.name
/// field selector. Everything else they need is RBAC's (the bootstrap role system:axolotl-node-ingress-controller,
/// bound to their group, which grants no Secrets). The identity ends with its node: once the Node is gone (deleted,
/// which is how a node's credentials are withdrawn, ADR 0006) every request is refused, RBAC or not.
/// </summary>
public sealed class IngressControllerAuthorizer(IngressControllerGraph graph)
{
    public enum Verdict
    {
        Allow,

        /// <summary>Refused whatever RBAC says.</summary>
        Deny,

        /// <summary>RBAC decides; <see cref="Result.Denial"/>, when set, is the wording if RBAC refuses too.</summary>
        NoOpinion,
    }

    public sealed record Result(Verdict Verdict, Status? Denial);

    private static readonly Result NoOpinion = new(Verdict.NoOpinion, null);

    public async Task<Result> AuthorizeAsync(Principal principal, NodeAuthorizer.Attributes request, CancellationToken ct)
    {
        if (principal.IngressControllerNodeName is not { } node)
        {
            return NoOpinion;
        }
        if (!await graph.NodeExistsAsync(node, ct))
        {
            return new Result(Verdict.Deny, NodeAuthorizer.Deny(principal, request, request.Resource,
                $"node '{node}' is not registered, and its ingress controller's credentials end with it"));
        }
        if (request.Resource is not { Resource: "secrets", Subresource: null, Group: "" } r || request.Verb is not ("get" or "list" or "watch"))
        {
            return NoOpinion;
        }
        var name = r.Name ?? NodeAuthorizer.SingleName(request.FieldSelector);
        if (name is null || r.Namespace is null)
        {
            return new Result(Verdict.NoOpinion, NodeAuthorizer.Deny(principal, request, r, "can only read namespaced object of this type by name"));
        }
        return await graph.ReferencesSecretAsync(r.Namespace, name, ct)
            ? new Result(Verdict.Allow, null)
            : new Result(Verdict.NoOpinion, NodeAuthorizer.Deny(principal, request, r with { Name = name },
                $"no relationship found between the ingress controller of node '{node}' and this object"));
    }
}
