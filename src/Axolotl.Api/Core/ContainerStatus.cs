using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Resources;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 ContainerStatus: the observed state of one container.</summary>
[Description("The observed state of one container of a pod.")]
public sealed class ContainerStatus
{
    [Description("The container's name, as in the pod spec.")]
    public string Name { get; set => field = value ?? ""; } = "";

    [Description("What the container is doing now: waiting, running or terminated.")]
    public ContainerState? State { get; set; }

    [Description("How the previous run of the container ended, if it has restarted.")]
    public ContainerState? LastState { get; set; }

    [Description("Whether the container passes its readiness probe.")]
    public bool Ready { get; set; }

    [Description("How many times the container has been restarted.")]
    public int RestartCount { get; set; }

    [Description("The image the container runs.")]
    public string Image { get; set => field = value ?? ""; } = "";

    [Description("The resolved ID of the image.")]
    public string ImageID { get; set => field = value ?? ""; } = "";

    [Description("The runtime's ID of the container, as <type>://<id>.")]
    public string? ContainerID { get; set; }

    [Description("Whether the container has started and passed its startup probe.")]
    public bool? Started { get; set; }

    [Description("Resources the node has allocated to the container.")]
    public Dictionary<string, Quantity>? AllocatedResources { get; set; }

    [Description("Resource requests and limits actually applied to the running container.")]
    public ResourceRequirements? Resources { get; set; }

    [Description("Status of the container's volume mounts.")]
    [PatchMergeKey("mountPath")]
    [PatchStrategy("merge")]
    public List<VolumeMountStatus>? VolumeMounts { get; set; }

    [Description("The user and groups the container's first process runs as.")]
    public ContainerUser? User { get; set; }

    [Description("Health of the devices allocated to the container.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<ResourceStatus>? AllocatedResourcesStatus { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Exactly one of waiting, running or terminated; none set means waiting.</summary>
public sealed class ContainerState
{
    public ContainerStateWaiting? Waiting { get; set; }

    public ContainerStateRunning? Running { get; set; }

    public ContainerStateTerminated? Terminated { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The container is not running yet, for example ContainerCreating or CrashLoopBackOff.</summary>
public sealed class ContainerStateWaiting
{
    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The container is running.</summary>
public sealed class ContainerStateRunning
{
    public DateTimeOffset? StartedAt { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The container ran and exited.</summary>
public sealed class ContainerStateTerminated
{
    public int ExitCode { get; set; }

    public int? Signal { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? ContainerID { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The state of one volume mount of a running container.</summary>
public sealed class VolumeMountStatus
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string MountPath { get; set => field = value ?? ""; } = "";

    public bool? ReadOnly { get; set; }

    public string? RecursiveReadOnly { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The identity the container's process runs as.</summary>
public sealed class ContainerUser
{
    public LinuxContainerUser? Linux { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Linux uid, gid and supplementary groups.</summary>
public sealed class LinuxContainerUser
{
    public long Uid { get; set; }

    public long Gid { get; set; }

    public List<long>? SupplementalGroups { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Health of the devices behind one allocated resource.</summary>
public sealed class ResourceStatus
{
    public string Name { get; set => field = value ?? ""; } = "";

    public List<ResourceHealth>? Resources { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Health of one device: Healthy, Unhealthy or Unknown.</summary>
public sealed class ResourceHealth
{
    [JsonPropertyName("resourceID")]
    public string ResourceId { get; set => field = value ?? ""; } = "";

    public string? Health { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
