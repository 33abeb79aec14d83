using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Proxy.GatewayApi.Model;

// The wire shapes of one Gateway API kind live in one file (see GatewayClass.cs).

/// <summary>gateway.networking.k8s.io/v1 Gateway: listeners (port, protocol, hostname, TLS) bound by its class's controller.</summary>
public sealed class Gateway : KubeObject
{
    public GatewaySpec? Spec { get; set; }

    public GatewayStatus? Status { get; set; }
}

public sealed class GatewaySpec
{
    public string GatewayClassName { get; set => field = value ?? ""; } = "";

    public List<Listener>? Listeners { get; set; }

    public List<GatewayAddress>? Addresses { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class Listener
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string? Hostname { get; set; }

    public int Port { get; set; }

    public string Protocol { get; set => field = value ?? ""; } = "";

    public GatewayTlsConfig? Tls { get; set; }

    public AllowedRoutes? AllowedRoutes { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class GatewayTlsConfig
{
    public string? Mode { get; set; }

    public List<SecretObjectReference>? CertificateRefs { get; set; }

    public Dictionary<string, string>? Options { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class SecretObjectReference
{
    public string? Group { get; set; }

    public string? Kind { get; set; }

    public string Name { get; set => field = value ?? ""; } = "";

    public string? Namespace { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class AllowedRoutes
{
    public RouteNamespaces? Namespaces { get; set; }

    public List<RouteGroupKind>? Kinds { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class RouteNamespaces
{
    /// <summary>Same (the default), All or Selector.</summary>
    public string? From { get; set; }

    public LabelSelector? Selector { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class RouteGroupKind
{
    public string? Group { get; set; }

    public string Kind { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>spec.addresses and status.addresses entries.</summary>
public sealed class GatewayAddress
{
    public string? Type { get; set; }

    public string Value { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class GatewayStatus
{
    public List<GatewayAddress>? Addresses { get; set; }

    public List<Condition>? Conditions { get; set; }

    public List<ListenerStatus>? Listeners { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class ListenerStatus
{
    public string Name { get; set => field = value ?? ""; } = "";

    public List<RouteGroupKind> SupportedKinds { get; set; } = [];

    public int AttachedRoutes { get; set; }

    public List<Condition> Conditions { get; set; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
