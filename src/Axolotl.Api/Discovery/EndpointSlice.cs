using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Discovery;

/// <summary>discovery.k8s.io/v1 EndpointSlice.</summary>
[Description("A slice of the endpoints that implement a Service: addresses of one family with their readiness, plus ports.")]
public sealed class EndpointSlice : KubeObject
{
    [Description("IPv4, IPv6 or FQDN: the kind of every address in the slice. Cannot change.")]
    public string AddressType { get; set => field = value ?? ""; } = "";

    [Description("The endpoints of the slice, at most 1000.")]
    public List<Endpoint> Endpoints { get; set => field = value ?? []; } = [];

    [Description("The ports every endpoint exposes, at most 100.")]
    public List<EndpointPort>? Ports { get; set; }
}

/// <summary>One endpoint: usually one pod.</summary>
public sealed class Endpoint
{
    [Description("The endpoint's addresses (consumers use the first).")]
    public List<string> Addresses { get; set => field = value ?? []; } = [];

    [Description("Readiness of the endpoint.")]
    public EndpointConditions? Conditions { get; set; }

    public string? Hostname { get; set; }

    public ObjectReference? TargetRef { get; set; }

    public Dictionary<string, string>? DeprecatedTopology { get; set; }

    public string? NodeName { get; set; }

    public string? Zone { get; set; }

    public EndpointHints? Hints { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Readiness of an endpoint. Unset ready means ready; serving ignores termination.</summary>
public sealed class EndpointConditions
{
    public bool? Ready { get; set; }

    public bool? Serving { get; set; }

    public bool? Terminating { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Topology-aware routing hints.</summary>
public sealed class EndpointHints
{
    public List<ForZone>? ForZones { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A zone that should consume an endpoint.</summary>
public sealed class ForZone
{
    public string Name { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One port of an EndpointSlice; unset fields mean "all" (port) or defaults (protocol TCP, name "").</summary>
public sealed class EndpointPort
{
    public string? Name { get; set; }

    public string? Protocol { get; set; }

    public int? Port { get; set; }

    public string? AppProtocol { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
