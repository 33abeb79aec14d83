using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Proxy.GatewayApi.Model;

// The wire shapes of one Gateway API kind live in one file: they are plain JSON records with no behaviour, and
// reading them side by side with upstream's types is easier than across a dozen files.

/// <summary>gateway.networking.k8s.io/v1 GatewayClass: which controller serves the Gateways that name it.</summary>
public sealed class GatewayClass : KubeObject
{
    public GatewayClassSpec? Spec { get; set; }

    public GatewayClassStatus? Status { get; set; }
}

public sealed class GatewayClassSpec
{
    public string ControllerName { get; set => field = value ?? ""; } = "";

    public JsonElement? ParametersRef { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class GatewayClassStatus
{
    public List<Condition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
