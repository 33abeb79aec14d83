using Axolotl.Api.Certificates;

namespace Axolotl.Controllers.Certificates;

/// <summary>
/// Which requests are approved without a human, after kube-controller-manager's csrapproving
/// controller: a node client certificate asked for with a join token (a new node, "nodeclient") or by
/// that same node (renewal, "selfnodeclient"). Axolotl also approves a node's serving certificate when
/// the node itself asks for its own name (upstream leaves those to an external approver; here agents
/// need one to serve logs and exec, and the API server checks the name it dials), and the client certificate of a
/// node's own edge controllers when that node asks for it. Anything else
/// waits for `kubectl certificate approve`.
/// </summary>
public static class CsrApprovalPolicy
{
    public const string ClientMessage = "Auto approving kubelet client certificate after SubjectAccessReview.";
    public const string ServingMessage = "Auto approving kubelet serving certificate after SubjectAccessReview.";
    public const string IngressControllerMessage = "Auto approving the node's own ingress controller client certificate.";

    /// <summary>The approval message, or null when the request is left for a person to decide.</summary>
    public static string? Decide(CertificateSigningRequest csr)
    {
        var spec = csr.Spec;
        if (spec is null || IsDecided(csr))
        {
            return null;
        }
        if (NodeCertificateRequest.TryParse(spec.Request, out _) is not { } request)
        {
            return null;
        }
        var username = spec.Username ?? "";
        var groups = spec.Groups ?? [];
        if (spec.SignerName == IngressControllerIdentity.Signer)
        {
            return request.CheckIngressControllerClient(spec.Usages) is null && IsNode(request.IngressControllerNodeName, username, groups) ? IngressControllerMessage : null;
        }
        if (request.NodeName is not { } node)
        {
            return null;
        }
        var self = username == KubeletSigners.NodeUserPrefix + node && groups.Contains(KubeletSigners.NodesGroup);
        return spec.SignerName switch
        {
            KubeletSigners.Client when request.CheckClient(spec.Usages) is null && (self || groups.Contains(KubeletSigners.BootstrappersGroup)) => ClientMessage,
            KubeletSigners.Serving when request.CheckServing(spec.Usages) is null && self => ServingMessage,
            _ => null,
        };
    }

    /// <summary>True when the request was made by node <paramref name="node"/> itself (its client certificate).</summary>
    public static bool IsNode(string? node, string username, IReadOnlyCollection<string> groups) =>
        node is not null && username == KubeletSigners.NodeUserPrefix + node && groups.Contains(KubeletSigners.NodesGroup);

    public static bool IsDecided(CertificateSigningRequest csr) =>
        csr.Status?.Conditions?.Any(c => c.Type is "Approved" or "Denied") == true;

    public static bool IsApproved(CertificateSigningRequest csr) =>
        csr.Status?.Conditions is { } conditions &&
        conditions.Any(c => c.Type == "Approved" && c.Status is null or "True") &&
        !conditions.Any(c => c.Type is "Denied" or "Failed" && c.Status is null or "True");
}
