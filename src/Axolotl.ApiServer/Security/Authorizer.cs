using Axolotl.Api.Meta;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Security.Rbac;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// kube-apiserver's --authorization-mode=Node,RBAC as one chain: the Node authorizer for nodes (and
/// the bootstrap rules for join tokens; the ingress controller authorizer for a joined node's edge controllers),
/// then system:masters (always allowed, as upstream's
/// privileged-group short circuit), then RBAC over the current <see cref="RbacPolicy"/> snapshot
/// (<see cref="RbacPolicyCache.Current"/> in the server). The first to allow wins; a denial carries
/// upstream's Forbidden wording (the Node authorizer's reason for nodes).
/// </summary>
public sealed class Authorizer(NodeAuthorizer nodes, Func<RbacPolicy> policy, IngressControllerAuthorizer? ingressControllers = null)
{
    public RbacPolicy Policy => policy();

    public async Task<AuthorizationDecision> AuthorizeAsync(AuthorizationRequest request, string? fieldSelector, CancellationToken ct)
    {
        var user = request.User;
        Status? denial = null;
        if (user.IsNode || user.IsBootstrapper)
        {
            var attributes = new NodeAuthorizer.Attributes(request.Verb, ToRequestInfo(request), request.Path, fieldSelector);
            denial = user.IsNode ? await nodes.AuthorizeAsync(user, attributes, ct) : BootstrapAuthorizer.Authorize(user, attributes);
            if (denial is null)
            {
                return AuthorizationDecision.Allow(user.IsNode ? "allowed by the Node authorizer" : "allowed by the bootstrap rules");
            }
        }
        if (user.IsIngressController && ingressControllers is not null)
        {
            var attributes = new NodeAuthorizer.Attributes(request.Verb, ToRequestInfo(request), request.Path, fieldSelector);
            var result = await ingressControllers.AuthorizeAsync(user, attributes, ct);
            switch (result.Verdict)
            {
                case IngressControllerAuthorizer.Verdict.Allow:
                    return AuthorizationDecision.Allow("allowed by the ingress controller authorizer");
                case IngressControllerAuthorizer.Verdict.Deny:
                    return new AuthorizationDecision(false, "", result.Denial);
                default:
                    denial = result.Denial;
                    break;
            }
        }
        if (user.IsMaster)
        {
            return AuthorizationDecision.Allow("");
        }
        if (policy().Allows(request, out var reason))
        {
            return AuthorizationDecision.Allow(reason);
        }
        return new AuthorizationDecision(false, "", denial ?? Forbidden(request, null));
    }

    /// <summary>Upstream's forbiddenMessage and NewForbidden: names the object (if any), user, verb, resource and scope.</summary>
    public static Status Forbidden(AuthorizationRequest request, string? reason)
    {
        var user = request.User.User;
        var suffix = string.IsNullOrEmpty(reason) ? "" : ": " + reason;
        if (!request.IsResourceRequest)
        {
            return ApiErrors.Make(403, "Forbidden", $"forbidden: User \"{user}\" cannot {request.Verb} path \"{request.Path}\"{suffix}").Status;
        }
        var resource = request.ResourceWithSubresource;
        var scope = request.Namespace is { } ns ? $"in the namespace \"{ns}\"" : "at the cluster scope";
        var qualified = request.Group.Length == 0 ? request.Resource : $"{request.Resource}.{request.Group}";
        var named = request.Name is null ? "" : $" \"{request.Name}\"";
        var message = $"{qualified}{named} is forbidden: User \"{user}\" cannot {request.Verb} resource \"{resource}\" in API group \"{request.Group}\" {scope}{suffix}";
        var details = new StatusDetails { Name = request.Name, Group = request.Group.Length == 0 ? null : request.Group, Kind = request.Resource };
        return ApiErrors.Make(403, "Forbidden", message, details).Status;
    }

    private static RequestInfo? ToRequestInfo(AuthorizationRequest request) => request.IsResourceRequest
        ? new RequestInfo(request.Group, request.Version, request.Resource, request.Namespace, request.Name, request.Subresource)
        : null;
}
