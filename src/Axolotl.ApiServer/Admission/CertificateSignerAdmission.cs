using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Security.Rbac;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Upstream's CertificateApproval and CertificateSigning admission plugins: a write to a
/// CertificateSigningRequest's approval subresource also needs `approve`, and a status write that changes
/// the issued certificate or the conditions also needs `sign`, on the virtual resource signers.certificates.k8s.io named
/// after the request's signer (or its "DOMAIN/*"). Permission to update requests is not permission to
/// decide who gets a certificate: without this check `patch` on the approval subresource was enough to
/// approve a node client request, which the signer then turns into a node identity.
/// </summary>
public sealed class CertificateSignerAdmission(Authorizer authorizer) : IValidatingAdmissionPlugin
{
    public const string SignersResource = "signers";

    public string Name => "CertificateApproval+CertificateSigning";

    public Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct) =>
        attributes.Operation == AdmissionOperation.Update
            ? CheckUpdateAsync(attributes.User, attributes.Type, attributes.Subresource, attributes.Object!, attributes.OldObject!, ct)
            : Task.CompletedTask;

    public async Task CheckUpdateAsync(Principal? user, ResourceType type, string? subresource, JsonObject admitted, JsonObject current, CancellationToken ct)
    {
        if (user is null || type != KnownResources.CertificateSigningRequests || subresource is not ("approval" or "status"))
        {
            return;
        }
        var signer = Text(current["spec"]?["signerName"]) ?? "";
        var name = Text(current["metadata"]?["name"]) ?? "";
        if (subresource == "approval")
        {
            if (!await IsAuthorizedForSignerAsync(user, "approve", signer, ct))
            {
                throw ApiErrors.Forbidden(type, name, $"{type.QualifiedResource} \"{name}\" is forbidden: user not permitted to approve requests with signerName \"{signer}\"");
            }
            return;
        }
        var changed = !JsonNode.DeepEquals(admitted["status"]?["certificate"], current["status"]?["certificate"]) ||
            !JsonNode.DeepEquals(admitted["status"]?["conditions"], current["status"]?["conditions"]);
        if (changed && !await IsAuthorizedForSignerAsync(user, "sign", signer, ct))
        {
            throw ApiErrors.Forbidden(type, name, $"{type.QualifiedResource} \"{name}\" is forbidden: user not permitted to sign requests with signerName \"{signer}\"");
        }
    }

    /// <summary>Upstream's IsAuthorizedForSignerName: the exact signer name first, then the domain wildcard.</summary>
    public async Task<bool> IsAuthorizedForSignerAsync(Principal user, string verb, string signer, CancellationToken ct)
    {
        if ((await authorizer.AuthorizeAsync(Request(user, verb, signer), null, ct)).Allowed)
        {
            return true;
        }
        var slash = signer.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && (await authorizer.AuthorizeAsync(Request(user, verb, signer[..slash] + "/*"), null, ct)).Allowed;
    }

    private static AuthorizationRequest Request(Principal user, string verb, string name) =>
        AuthorizationRequest.ForResource(user, verb, "certificates.k8s.io", SignersResource, null, null, name);

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
