using Axolotl.Agent.Eviction;
using Axolotl.Api.Core;
using Axolotl.Api.Resources;

namespace Axolotl.Agent.Node;

/// <summary>
/// Builds the Node's status as the kubelet's setters do: capacity and allocatable (capacity minus the
/// reserved resources and the hard eviction thresholds, <see cref="NodeAllocatable"/>), the four
/// conditions with upstream's reasons and messages (the pressure ones as the eviction manager holds
/// them), addresses, nodeInfo and daemonEndpoints. Transition times are kept from the previous status when unchanged.
/// </summary>
public static class NodeStatusBuilder
{
    public const string KubeletVersion = "v1.32.4-axolotl";

    /// <param name="pressure">The pressure conditions that are True (MemoryPressure, DiskPressure, PIDPressure); null: none.</param>
    public static NodeStatus Build(NodeFacts facts, AgentOptions options, string runtimeMode, NodeStatus? previous, DateTimeOffset now, IReadOnlyCollection<string>? pressure = null)
    {
        var capacity = new Dictionary<string, Quantity>(StringComparer.Ordinal)
        {
            ["cpu"] = Quantity.FromUnits(facts.Cpus),
            ["ephemeral-storage"] = Quantity.FromBytes(facts.DiskBytes / 1024 * 1024),
            ["hugepages-1Gi"] = Quantity.Zero,
            ["hugepages-2Mi"] = Quantity.Zero,
            ["memory"] = Quantity.FromBytes(facts.MemoryBytes / 1024 * 1024),
            ["pods"] = Quantity.FromUnits(options.MaxPods),
        };
        var allocatable = NodeAllocatable.Compute(capacity, options.Eviction);

        var memoryPressure = pressure?.Contains(EvictionSignals.MemoryPressure) == true;
        var diskPressure = pressure?.Contains(EvictionSignals.DiskPressure) == true;
        var pidPressure = pressure?.Contains(EvictionSignals.PidPressure) == true;
        var conditions = new List<NodeCondition>
        {
            Condition("MemoryPressure", memoryPressure,
                memoryPressure ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
                memoryPressure ? "kubelet has insufficient memory available" : "kubelet has sufficient memory available"),
            Condition("DiskPressure", diskPressure,
                diskPressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
                diskPressure ? "kubelet has disk pressure" : "kubelet has no disk pressure"),
            Condition("PIDPressure", pidPressure,
                pidPressure ? "KubeletHasInsufficientPID" : "KubeletHasSufficientPID",
                pidPressure ? "kubelet has insufficient PID available" : "kubelet has sufficient PID available"),
            Condition("Ready", true, "KubeletReady", "kubelet is posting ready status"),
        };
        foreach (var condition in conditions)
        {
            var before = previous?.Conditions?.FirstOrDefault(c => c.Type == condition.Type);
            condition.LastHeartbeatTime = now;
            condition.LastTransitionTime = before is not null && before.Status == condition.Status ? before.LastTransitionTime ?? now : now;
        }

        return new NodeStatus
        {
            Capacity = capacity,
            Allocatable = allocatable,
            Conditions = conditions,
            Addresses =
            [
                new NodeAddress { Type = "InternalIP", Address = facts.InternalIp },
                new NodeAddress { Type = "Hostname", Address = options.NodeName },
            ],
            DaemonEndpoints = new NodeDaemonEndpoints { KubeletEndpoint = new DaemonEndpoint { Port = options.KubeletPort } },
            NodeInfo = new NodeSystemInfo
            {
                MachineId = facts.MachineId,
                SystemUuid = facts.MachineId,
                BootId = facts.BootId,
                KernelVersion = facts.KernelVersion,
                OsImage = facts.OsImage,
                ContainerRuntimeVersion = "axolotl://" + runtimeMode.Split(':')[0].Trim(), // "isolated" or the fallback's name; the full mode is in the agent's start-up log
                KubeletVersion = KubeletVersion,
                KubeProxyVersion = "",
                OperatingSystem = "linux",
                Architecture = "amd64",
            },
        };
    }

    /// <summary>The status with heartbeat times removed, to tell a real change from a mere heartbeat.</summary>
    public static string Fingerprint(NodeStatus status) =>
        Api.Serialization.KubeJson.Serialize(new NodeStatus
        {
            Capacity = status.Capacity,
            Allocatable = status.Allocatable,
            Addresses = status.Addresses,
            NodeInfo = status.NodeInfo,
            Images = status.Images,
            DaemonEndpoints = status.DaemonEndpoints,
            Conditions = status.Conditions?.Select(c => new NodeCondition { Type = c.Type, Status = c.Status, Reason = c.Reason, Message = c.Message }).ToList(),
        });

    private static NodeCondition Condition(string type, bool value, string reason, string message) => new()
    {
        Type = type,
        Status = value ? "True" : "False",
        Reason = reason,
        Message = message,
    };
}
