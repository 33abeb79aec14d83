using System.Text.Json.Nodes;
using Axolotl.Api.Certificates;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Which CertificateSigningRequest a join token or a node may create. A join token may ask only for a
/// node client certificate (signer kubernetes.io/kube-apiserver-client-kubelet, CN system:node:NAME,
/// O system:nodes), the one thing TLS bootstrap needs; a node only for its own client or serving
/// certificate. Upstream lets them create any request and leaves the rest to approval; refusing at
/// once tells the caller why and keeps the list of requests to what approvers should look at.
/// </summary>
public static class CertificateRequestRestriction
{
    public static void CheckCreate(Principal? principal, ResourceType type, JsonObject obj)
    {
        if (type != KnownResources.CertificateSigningRequests || principal is null || (!principal.IsNode && !principal.IsBootstrapper))
        {
            return;
        }
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
        var spec = obj["spec"] as JsonObject ?? [];
        var signer = spec["signerName"]?.GetValue<string>();
        var usages = (spec["usages"] as JsonArray ?? []).Select(u => u?.GetValue<string>() ?? "").ToList();
        var pem = spec["request"]?.GetValue<string>() is { } base64 ? TryDecode(base64) : null;
        var request = NodeCertificateRequest.TryParse(pem, out var problem);
        string? reason;
        if (principal.IsBootstrapper)
        {
            reason = signer != KubeletSigners.Client
                ? $"a join token may only request a node client certificate (signerName {KubeletSigners.Client})"
                : request?.CheckClient(usages) ?? problem;
        }
        else
        {
            reason = signer is not (KubeletSigners.Client or KubeletSigners.Serving)
                ? $"a node may only request its own certificates (signerName {KubeletSigners.Client} or {KubeletSigners.Serving})"
                : request is null ? problem
                : request.NodeName != principal.NodeName ? $"a node may only request certificates for itself ({KubeletSigners.NodeUserPrefix}{principal.NodeName})"
                : signer == KubeletSigners.Client ? request.CheckClient(usages) : request.CheckServing(usages);
        }
        if (reason is not null)
        {
            throw ApiErrors.Forbidden(type, name, $"{type.QualifiedResource} \"{name}\" is forbidden: {reason}");
        }
    }

    private static byte[]? TryDecode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
