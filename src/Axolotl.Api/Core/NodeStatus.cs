using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Resources;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 NodeStatus.</summary>
[Description("The observed state of a node, reported by its agent.")]
public sealed class NodeStatus
{
    [Description("Total resources of the node.")]
    public Dictionary<string, Quantity>? Capacity { get; set; }

    [Description("Resources available to pods: capacity minus what the system reserves. Defaults to capacity.")]
    public Dictionary<string, Quantity>? Allocatable { get; set; }

    [Description("Deprecated node lifecycle phase.")]
    public string? Phase { get; set; }

    [Description("Observed conditions such as Ready, MemoryPressure, DiskPressure and PIDPressure.")]
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<NodeCondition>? Conditions { get; set; }

    [Description("Addresses of the node: InternalIP, ExternalIP, Hostname and so on.")]
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<NodeAddress>? Addresses { get; set; }

    [Description("Ports the node's daemons listen on.")]
    public NodeDaemonEndpoints? DaemonEndpoints { get; set; }

    [Description("Versions and identifiers of the node's software.")]
    public NodeSystemInfo? NodeInfo { get; set; }

    [Description("Images present on the node.")]
    public List<ContainerImage>? Images { get; set; }

    [Description("Volumes attached to and in use on the node.")]
    public List<string>? VolumesInUse { get; set; }

    [Description("Volumes attached to the node.")]
    public List<AttachedVolume>? VolumesAttached { get; set; }

    [Description("Deprecated dynamic kubelet configuration status.")]
    public NodeConfigStatus? Config { get; set; }

    [Description("Container runtime handlers available on the node.")]
    public List<NodeRuntimeHandler>? RuntimeHandlers { get; set; }

    [Description("Features the node supports.")]
    public NodeFeatures? Features { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One node condition; lastHeartbeatTime is when the agent last reported it.</summary>
public sealed class NodeCondition
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string Status { get; set => field = value ?? ""; } = "";

    public DateTimeOffset? LastHeartbeatTime { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One address of a node: type Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.</summary>
public sealed class NodeAddress
{
    public string Type { get; set => field = value ?? ""; } = "";

    public string Address { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Ports of the node's daemons.</summary>
public sealed class NodeDaemonEndpoints
{
    public DaemonEndpoint? KubeletEndpoint { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A daemon port. The wire name is "Port" with a capital P, an upstream historical accident.</summary>
public sealed class DaemonEndpoint
{
    [JsonPropertyName("Port")]
    public int Port { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Identifiers and software versions of a node.</summary>
public sealed class NodeSystemInfo
{
    [JsonPropertyName("machineID")]
    public string MachineId { get; set => field = value ?? ""; } = "";

    [JsonPropertyName("systemUUID")]
    public string SystemUuid { get; set => field = value ?? ""; } = "";

    [JsonPropertyName("bootID")]
    public string BootId { get; set => field = value ?? ""; } = "";

    public string KernelVersion { get; set => field = value ?? ""; } = "";

    public string OsImage { get; set => field = value ?? ""; } = "";

    public string ContainerRuntimeVersion { get; set => field = value ?? ""; } = "";

    public string KubeletVersion { get; set => field = value ?? ""; } = "";

    public string KubeProxyVersion { get; set => field = value ?? ""; } = "";

    public string OperatingSystem { get; set => field = value ?? ""; } = "";

    public string Architecture { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>An image on a node, with all its names.</summary>
public sealed class ContainerImage
{
    public List<string>? Names { get; set; }

    public long? SizeBytes { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A volume attached to a node.</summary>
public sealed class AttachedVolume
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string DevicePath { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Deprecated dynamic kubelet configuration status.</summary>
public sealed class NodeConfigStatus
{
    public NodeConfigSource? Assigned { get; set; }

    public NodeConfigSource? Active { get; set; }

    public NodeConfigSource? LastKnownGood { get; set; }

    public string? Error { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A container runtime handler and its features.</summary>
public sealed class NodeRuntimeHandler
{
    public string? Name { get; set; }

    public NodeRuntimeHandlerFeatures? Features { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Features of a runtime handler.</summary>
public sealed class NodeRuntimeHandlerFeatures
{
    public bool? RecursiveReadOnlyMounts { get; set; }

    public bool? UserNamespaces { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Node-wide features.</summary>
public sealed class NodeFeatures
{
    public bool? SupplementalGroupsPolicy { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
