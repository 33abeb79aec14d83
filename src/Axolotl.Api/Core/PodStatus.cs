using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 PodStatus: what the node agent last observed about a pod.</summary>
[Description("The most recently observed state of a pod. It may lag behind reality.")]
public sealed class PodStatus
{
    [Description("Pending, Running, Succeeded, Failed or Unknown: a summary of where the pod is in its lifecycle.")]
    public string? Phase { get; set; }

    [Description("Observed conditions such as PodScheduled, Initialized, ContainersReady and Ready.")]
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<PodCondition>? Conditions { get; set; }

    [Description("A human-readable explanation of the pod's state.")]
    public string? Message { get; set; }

    [Description("A short CamelCase reason for the pod's state, such as Evicted.")]
    public string? Reason { get; set; }

    [Description("The node a preempting pod is expected to run on.")]
    public string? NominatedNodeName { get; set; }

    [Description("Primary IP address of the node the pod runs on.")]
    public string? HostIP { get; set; }

    [Description("IP addresses of the node; the first equals hostIP.")]
    [PatchMergeKey("ip")]
    [PatchStrategy("merge")]
    public List<HostIP>? HostIPs { get; set; }

    [Description("Primary IP address allocated to the pod.")]
    public string? PodIP { get; set; }

    [Description("IP addresses allocated to the pod; the first equals podIP.")]
    [PatchMergeKey("ip")]
    [PatchStrategy("merge")]
    public List<PodIP>? PodIPs { get; set; }

    [Description("When the node agent accepted the pod, before any image was pulled.")]
    public DateTimeOffset? StartTime { get; set; }

    [Description("Status of each init container.")]
    public List<ContainerStatus>? InitContainerStatuses { get; set; }

    [Description("Status of each application container.")]
    public List<ContainerStatus>? ContainerStatuses { get; set; }

    [Description("Guaranteed, Burstable or BestEffort, derived from the containers' requests and limits.")]
    public string? QosClass { get; set; }

    [Description("Status of each ephemeral container.")]
    public List<ContainerStatus>? EphemeralContainerStatuses { get; set; }

    [Description("Progress of an in-place resize: Proposed, InProgress, Deferred or Infeasible.")]
    public string? Resize { get; set; }

    [Description("Names of the ResourceClaims generated for the pod's claim templates.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge,retainKeys")]
    public List<PodResourceClaimStatus>? ResourceClaimStatuses { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One pod condition.</summary>
public sealed class PodCondition
{
    public string Type { get; set => field = value ?? ""; } = "";

    /// <summary>True, False or Unknown.</summary>
    public string Status { get; set => field = value ?? ""; } = "";

    public DateTimeOffset? LastProbeTime { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One IP address of a pod.</summary>
public sealed class PodIP
{
    public string Ip { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One IP address of the pod's node.</summary>
public sealed class HostIP
{
    public string Ip { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The ResourceClaim generated for one of the pod's claim templates.</summary>
public sealed class PodResourceClaimStatus
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string? ResourceClaimName { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
