using Axolotl.Api.Resources;

namespace Axolotl.Agent.Eviction;

/// <summary>
/// Node allocatable as the kubelet computes it (pkg/kubelet/cm/node_container_manager_linux.go):
/// what the scheduler may hand out is capacity − system-reserved − kube-reserved − the hard eviction
/// thresholds (memory.available on memory, nodefs.available on ephemeral-storage); the pods cgroup
/// is limited to capacity − system-reserved − kube-reserved, so the threshold's margin lies between
/// what pods are promised and what the kernel lets them take, and the eviction manager acts in it.
/// </summary>
public static class NodeAllocatable
{
    /// <summary>The allocatable list for Node status from the capacity list.</summary>
    public static Dictionary<string, Quantity> Compute(IReadOnlyDictionary<string, Quantity> capacity, EvictionConfig config)
    {
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var (name, value) in capacity)
        {
            var left = value - Reservation(name, value, config);
            result[name] = left.Sign < 0 ? Quantity.Zero : Canonical(name, left, value);
        }
        return result;
    }

    /// <summary>The memory limit of the pods cgroup: capacity minus what is reserved for the system and the agent.</summary>
    public static long PodsMemoryLimit(long capacityBytes, EvictionConfig config) =>
        Math.Max(0, capacityBytes - config.Reserved("memory").Value());

    /// <summary>
    /// Refuses a configuration that reserves more than the node has (upstream validateNodeAllocatable),
    /// with the kubelet's message.
    /// </summary>
    public static void Validate(IReadOnlyDictionary<string, Quantity> capacity, EvictionConfig config)
    {
        var errors = new List<string>();
        foreach (var (name, value) in capacity)
        {
            var reservation = Reservation(name, value, config);
            if (!reservation.IsZero && (value - reservation).Sign < 0)
            {
                errors.Add($"Resource \"{name}\" has an allocatable of {reservation}, capacity of {value - reservation}");
            }
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid Node Allocatable configuration. " + string.Join(' ', errors));
        }
    }

    /// <summary>System + kube reserved + the hard eviction threshold on this resource.</summary>
    public static Quantity Reservation(string resource, Quantity capacity, EvictionConfig config)
    {
        var reserved = config.Reserved(resource);
        foreach (var threshold in config.HardThresholds)
        {
            if ((resource == "memory" && threshold.Signal == EvictionSignals.MemoryAvailable)
                || (resource == "ephemeral-storage" && threshold.Signal == EvictionSignals.NodeFsAvailable))
            {
                reserved += threshold.Value.Resolve(capacity);
            }
        }
        return reserved;
    }

    // Bytes stay whole bytes (rounded down to Ki like the capacity the kubelet reports); CPU keeps milli-units.
    private static Quantity Canonical(string name, Quantity left, Quantity capacity) => name switch
    {
        "memory" => Quantity.FromBytes(left.Value() / 1024 * 1024),
        "ephemeral-storage" => Quantity.FromUnits(left.Value()),
        "cpu" => left.MilliValue() % 1000 == 0 ? Quantity.FromUnits(left.MilliValue() / 1000) : Quantity.FromMilli(left.MilliValue()),
        _ => left,
    };
}
