using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;

namespace Axolotl.Proxy.GatewayApi.Model;

// The wire shapes of one Gateway API kind live in one file (see GatewayClass.cs).

/// <summary>gateway.networking.k8s.io/v1beta1 ReferenceGrant: lets objects of other namespaces refer to objects in its own.</summary>
public sealed class ReferenceGrant : KubeObject
{
    public ReferenceGrantSpec? Spec { get; set; }
}

public sealed class ReferenceGrantSpec
{
    public List<ReferenceGrantFrom>? From { get; set; }

    public List<ReferenceGrantTo>? To { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class ReferenceGrantFrom
{
    public string Group { get; set => field = value ?? ""; } = "";

    public string Kind { get; set => field = value ?? ""; } = "";

    public string Namespace { get; set => field = value ?? ""; } = "";
}

public sealed class ReferenceGrantTo
{
    public string Group { get; set => field = value ?? ""; } = "";

    public string Kind { get; set => field = value ?? ""; } = "";

    public string? Name { get; set; }
}
