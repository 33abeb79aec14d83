using System.Text.Json.Nodes;
using Axolotl.Api.Certificates;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Which CertificateSigningRequest a join token or a node may create. A join token may ask only for a
/// node client certificate (signer kubernetes.io/kube-apiserver-client-kubelet, CN system:node:NAME,
/// O system:nodes), the one thing TLS bootstrap needs; a node only for its own client or serving
/// certificate, or the client certificate of its own edge controllers (<see cref="IngressControllerIdentity"/>), no
/// longer-lived than the node certificate it asks with. Upstream lets them create any request and leaves the rest to approval; refusing at
/// once tells the caller why and keeps the list of requests to what approvers should look at.
/// A join token never obtains the identity of a registered node: while a Node of that name exists its
/// certificate's holder renews it with that certificate (as the node itself, not with a join token), so
/// a join for that name is someone else claiming it. A node whose agent is gone for good joins again
/// after `kubectl delete node NAME`. A token scoped to one node name (`axolotl token create --node-name`)
/// may ask for that name only.
/// </summary>
public sealed class CertificateRequestRestriction(ObjectStore objects, TimeProvider clock) : IValidatingAdmissionPlugin
{
    public string Name => "CertificateRequestRestriction";

    public Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct) =>
        attributes.Operation == AdmissionOperation.Create
            ? CheckCreateAsync(attributes.User, attributes.Type, attributes.Object!,
                async (node, ct) => await objects.GetAsync(KnownResources.Nodes, null, node, ct) is not null, clock.GetUtcNow(), ct)
            : Task.CompletedTask;

    /// <param name="nodeExists">Whether a Node of that name is registered (read from the store).</param>
    /// <param name="now">The server's time, against which a node certificate's remaining life is measured.</param>
    public static async Task CheckCreateAsync(Principal? principal, ResourceType type, JsonObject obj, Func<string, CancellationToken, Task<bool>> nodeExists,
        DateTimeOffset now, CancellationToken ct)
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
                : request is null ? problem
                : request.CheckClient(usages) ?? (request.NodeName is not { } node ? null
                    : CheckJoin(principal, node) ?? (await nodeExists(node, ct) ? RegisteredNode(node) : null));
        }
        else if (signer == IngressControllerIdentity.Signer)
        {
            reason = request is null ? problem
                : request.IngressControllerNodeName != principal.NodeName
                    ? $"a node may only request the certificate of its own ingress controller ({IngressControllerIdentity.UserPrefix}{principal.NodeName})"
                : request.CheckIngressControllerClient(usages) ?? CheckOutlivesNode(principal, spec["expirationSeconds"], now);
        }
        else
        {
            reason = signer is not (KubeletSigners.Client or KubeletSigners.Serving)
                ? $"a node may only request its own certificates (signerName {KubeletSigners.Client}, {KubeletSigners.Serving} or {IngressControllerIdentity.Signer})"
                : request is null ? problem
                : request.NodeName != principal.NodeName ? $"a node may only request certificates for itself ({KubeletSigners.NodeUserPrefix}{principal.NodeName})"
                : signer == KubeletSigners.Client ? request.CheckClient(usages) : request.CheckServing(usages);
        }
        if (reason is not null)
        {
            throw ApiErrors.Forbidden(type, name, $"{type.QualifiedResource} \"{name}\" is forbidden: {reason}");
        }
    }

    /// <summary>Clock skew allowed between a node and the server when a request's lifetime is compared with the node's certificate.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Why an ingress controller certificate would outlive the node certificate it was asked for with; null when it
    /// does not. Its lifetime must be given (spec.expirationSeconds) and end by the node certificate's notAfter, so the
    /// edge identity never survives the node's own.
    /// </summary>
    private static string? CheckOutlivesNode(Principal principal, JsonNode? expirationSeconds, DateTimeOffset now)
    {
        if (principal.CredentialNotAfter is not { } nodeNotAfter)
        {
            return null;
        }
        var left = (long)Math.Floor((nodeNotAfter - now).TotalSeconds);
        return expirationSeconds is JsonValue value && value.TryGetValue(out long seconds)
            ? seconds <= left + (long)Skew.TotalSeconds ? null
                : $"spec.expirationSeconds {seconds} outlives this node's own certificate ({left} s left): an ingress controller certificate must end with its node's"
            : $"spec.expirationSeconds is required for signerName {IngressControllerIdentity.Signer}: an ingress controller certificate must end with its node's ({left} s left)";
    }

    /// <summary>Why a scoped join token may not join <paramref name="node"/>; null when it may.</summary>
    private static string? CheckJoin(Principal principal, string node) =>
        principal.BootstrapNodeName is { } scoped && scoped != node
            ? $"join token \"{principal.User[(principal.User.LastIndexOf(':') + 1)..]}\" may only request the certificate of node \"{scoped}\", not of node \"{node}\""
            : null;

    public static string RegisteredNode(string node) =>
        $"node \"{node}\" is already registered and holds its own certificate; a join token may not request the identity of an existing node " +
        $"(if its agent is gone for good, delete it first: kubectl delete node {node})";

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
