using System.Text.Json.Serialization;

namespace Axolotl.Api.Metrics;

/// <summary>
/// What an agent reports at /stats/resource: cumulative CPU time and the memory working set of the
/// node and of each running container, read from cgroups at <see cref="Timestamp"/>. Rates are not
/// computed by the agent: the API server keeps the previous summary and divides the CPU time used
/// between the two by the time between them, as metrics-server does with the kubelet's readings.
/// </summary>
public sealed record ResourceStatsSummary(
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("node")] ResourceSample Node,
    [property: JsonPropertyName("pods")] IReadOnlyList<PodResourceSample> Pods);

/// <summary>Cumulative CPU nanoseconds and the working set in bytes (usage − inactive file) at one instant.</summary>
public sealed record ResourceSample(
    [property: JsonPropertyName("cpuUsageNanoseconds")] long CpuUsageNanoseconds,
    [property: JsonPropertyName("memoryWorkingSetBytes")] long MemoryWorkingSetBytes);

/// <summary>One pod's running containers.</summary>
public sealed record PodResourceSample(
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("containers")] IReadOnlyList<ContainerResourceSample> Containers);

/// <param name="ContainerId">The runtime's id of this instance: a restart starts a new counter.</param>
public sealed record ContainerResourceSample(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("containerID")] string ContainerId,
    [property: JsonPropertyName("usage")] ResourceSample Usage);
