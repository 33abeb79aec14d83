using System.Text.Json;
using Axolotl.Api.Apiextensions;
using Axolotl.Api.Scheme;
using Axolotl.Proxy.GatewayApi.Model;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// Which Gateway API CRDs are installed and usable: Established, serving the version this controller reads (v1 for
/// GatewayClass, Gateway and HTTPRoute; v1beta1 for ReferenceGrant), and upstream's bundle-version annotation of the
/// GatewayClass CRD (for its SupportedVersion condition). Pure.
/// </summary>
public sealed record GatewayCrds(bool Core, bool ReferenceGrants, string? BundleVersion)
{
    public const string BundleVersionAnnotation = "gateway.networking.k8s.io/bundle-version";

    public static GatewayCrds Read(IEnumerable<CustomResourceDefinition> crds)
    {
        var byName = crds.Where(c => c.Metadata.Name is not null).ToDictionary(c => c.Metadata.Name!, StringComparer.Ordinal);
        bool Usable(ResourceType resource) => byName.TryGetValue(GatewayResources.CrdName(resource), out var crd) && Established(crd) && Serves(crd, resource.Version);
        var core = GatewayResources.Required.All(Usable);
        var version = byName.GetValueOrDefault(GatewayResources.CrdName(GatewayResources.GatewayClasses))?.Metadata.Annotations?.GetValueOrDefault(BundleVersionAnnotation);
        return new GatewayCrds(core, Usable(GatewayResources.ReferenceGrants), version);
    }

    private static bool Established(CustomResourceDefinition crd) =>
        Field(crd, "status") is { } status && status.TryGetProperty("conditions", out var conditions) && conditions.ValueKind == JsonValueKind.Array
        && conditions.EnumerateArray().Any(c => Text(c, "type") == "Established" && Text(c, "status") == "True");

    private static bool Serves(CustomResourceDefinition crd, string version) =>
        Field(crd, "spec") is { } spec && spec.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Array
        && versions.EnumerateArray().Any(v => Text(v, "name") == version && v.TryGetProperty("served", out var served) && served.ValueKind == JsonValueKind.True);

    private static JsonElement? Field(CustomResourceDefinition crd, string name) =>
        crd.ExtensionData?.TryGetValue(name, out var value) == true && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
