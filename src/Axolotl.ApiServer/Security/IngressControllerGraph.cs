using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Networking;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Which Secrets a node's edge controllers may read, answered from the store when asked (as <see cref="NodeGraph"/>
/// does for pods): a Secret named in <c>spec.tls[].secretName</c> of an Ingress in its namespace that this cluster's
/// Ingress controller serves (<see cref="IngressClassSelection"/>), or in a <c>tls.certificateRefs</c> entry of a
/// listener of a Gateway whose class is the Axolotl Gateway controller's, from another namespace only when a
/// ReferenceGrant in the Secret's namespace lets that Gateway's namespace refer to it. The controllers read a
/// Secret once per reference and then watch it, so a lookup per read costs little.
/// </summary>
public sealed class IngressControllerGraph(ObjectStore objects)
{
    /// <summary>The Axolotl Gateway API controller's name (GatewayClass spec.controllerName, ADR 0028).</summary>
    public const string GatewayControllerName = "axolotl.io/gateway-controller";

    private const string GatewayGroup = "gateway.networking.k8s.io";

    public async Task<bool> NodeExistsAsync(string node, CancellationToken ct) =>
        await objects.GetAsync(KnownResources.Nodes, null, node, ct) is not null;

    /// <summary>True when an Ingress or a Gateway this cluster's controllers serve names Secret <paramref name="ns"/>/<paramref name="name"/>.</summary>
    public async Task<bool> ReferencesSecretAsync(string ns, string name, CancellationToken ct) =>
        await IngressReferencesAsync(ns, name, ct) || await GatewayReferencesAsync(ns, name, ct);

    private async Task<bool> IngressReferencesAsync(string ns, string name, CancellationToken ct)
    {
        var naming = new List<Ingress>();
        foreach (var entry in (await objects.ListAsync(KnownResources.Ingresses, ns, 0, null, ct)).Items)
        {
            var ingress = ObjectStore.Decode(entry).Object.Deserialize<Ingress>(KubeJson.Options);
            if (ingress?.Spec?.Tls?.Any(t => t.SecretName == name) == true)
            {
                naming.Add(ingress);
            }
        }
        if (naming.Count == 0)
        {
            return false;
        }
        var classes = (await objects.ListAsync(KnownResources.IngressClasses, null, 0, null, ct)).Items
            .Select(e => ObjectStore.Decode(e).Object.Deserialize<IngressClass>(KubeJson.Options)!)
            .ToList();
        return naming.Any(i => IngressClassSelection.IsOurs(i, classes));
    }

    private async Task<bool> GatewayReferencesAsync(string ns, string name, CancellationToken ct)
    {
        foreach (var entry in (await objects.Store.ListAsync($"/{GatewayGroup}/gateways/", 0, null, ct)).Items)
        {
            var gateway = ObjectStore.Decode(entry).Object;
            var gatewayNs = Text(gateway["metadata"]?["namespace"]) ?? "";
            if (!NamesSecret(gateway, gatewayNs, ns, name) || !await IsOurClassAsync(Text(gateway["spec"]?["gatewayClassName"]), ct))
            {
                continue;
            }
            if (gatewayNs == ns || await GrantedAsync(gatewayNs, ns, name, ct))
            {
                return true;
            }
        }
        return false;
    }

    private static bool NamesSecret(JsonObject gateway, string gatewayNs, string ns, string name) =>
        Objects(gateway["spec"]?["listeners"])
            .SelectMany(listener => Objects(listener["tls"]?["certificateRefs"]))
            .Any(reference => (Text(reference["group"]) ?? "") == "" && (Text(reference["kind"]) ?? "Secret") == "Secret"
                && Text(reference["name"]) == name && (Text(reference["namespace"]) ?? gatewayNs) == ns);

    private async Task<bool> IsOurClassAsync(string? className, CancellationToken ct)
    {
        if (className is not { Length: > 0 } || await objects.Store.GetAsync($"/{GatewayGroup}/gatewayclasses/{className}", ct) is not { } entry)
        {
            return false;
        }
        return Text(ObjectStore.Decode(entry).Object["spec"]?["controllerName"]) == GatewayControllerName;
    }

    /// <summary>A ReferenceGrant (any served version) in the Secret's namespace from Gateways of <paramref name="fromNs"/> to this Secret.</summary>
    private async Task<bool> GrantedAsync(string fromNs, string ns, string name, CancellationToken ct)
    {
        foreach (var entry in (await objects.Store.ListAsync($"/{GatewayGroup}/referencegrants/{ns}/", 0, null, ct)).Items)
        {
            var spec = ObjectStore.Decode(entry).Object["spec"];
            var from = Objects(spec?["from"]).Any(f => Text(f["group"]) == GatewayGroup && Text(f["kind"]) == "Gateway" && Text(f["namespace"]) == fromNs);
            var to = Objects(spec?["to"]).Any(t => (Text(t["group"]) ?? "") == "" && Text(t["kind"]) == "Secret" && (Text(t["name"]) is null or "" || Text(t["name"]) == name));
            if (from && to)
            {
                return true;
            }
        }
        return false;
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? node) => (node as JsonArray ?? []).OfType<JsonObject>();

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
