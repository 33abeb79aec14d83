using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

/// <summary>core/v1 Endpoints: the legacy list of a Service's backends.</summary>
[Description("The addresses and ports that implement a Service, grouped into subsets (legacy; see EndpointSlice).")]
public sealed class Endpoints : KubeObject
{
    [Description("Groups of addresses that all share the same ports.")]
    public List<EndpointSubset>? Subsets { get; set; }
}

/// <summary>Addresses sharing a set of ports; the full set is the product of both.</summary>
public sealed class EndpointSubset
{
    public List<EndpointAddress>? Addresses { get; set; }

    public List<EndpointAddress>? NotReadyAddresses { get; set; }

    public List<EndpointPort>? Ports { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One backend address, usually a pod's IP with a reference to the pod.</summary>
public sealed class EndpointAddress
{
    public string Ip { get; set => field = value ?? ""; } = "";

    public string? Hostname { get; set; }

    public string? NodeName { get; set; }

    public ObjectReference? TargetRef { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One backend port.</summary>
public sealed class EndpointPort
{
    public string? Name { get; set; }

    public int Port { get; set; }

    public string? Protocol { get; set; }

    public string? AppProtocol { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
