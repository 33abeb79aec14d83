using System.Globalization;
using Axolotl.Api.Resources;
using Axolotl.Images.Snapshots;

namespace Axolotl.Agent.Eviction;

/// <summary>
/// Observes the eviction signals as the kubelet's summary provides them on Linux:
/// memory.available = MemTotal − the root memory cgroup's working set (usage − inactive file);
/// allocatableMemory.available = the pods cgroup's limit − its working set; nodefs = the filesystem
/// of the agent's data dir, imagefs = that of its image store (the same one unless it is mounted
/// elsewhere); pid.available = the kernel's pid limit − the tasks running.
/// </summary>
public sealed class NodeSignals(string dataDir, string imageDir, PodsCgroup? pods, string proc = "/proc", string cgroupRoot = "/sys/fs/cgroup")
{
    public PodsCgroup? Pods => pods;

    /// <summary>MemTotal: the node's memory capacity.</summary>
    public long MemoryCapacityBytes => Meminfo().GetValueOrDefault("MemTotal");

    /// <summary>The node's memory working set, as the resource metrics API reports it.</summary>
    public long WorkingSetBytes() => RootWorkingSet(Meminfo());

    public Dictionary<string, SignalObservation> Observe(DateTimeOffset now)
    {
        var result = new Dictionary<string, SignalObservation>(StringComparer.Ordinal);
        var meminfo = Meminfo();
        if (meminfo.GetValueOrDefault("MemTotal") is > 0 and var total)
        {
            var workingSet = RootWorkingSet(meminfo);
            result[EvictionSignals.MemoryAvailable] = new(Quantity.FromBytes(total - workingSet), Quantity.FromBytes(total), now);
        }
        if (pods?.ReadLimit() is { } limit && pods.ReadMemory() is { } memory)
        {
            result[EvictionSignals.AllocatableMemoryAvailable] = new(Quantity.FromBytes(limit - memory.WorkingSet), Quantity.FromBytes(limit), now);
        }
        if (Statfs.Of(dataDir) is { } nodefs)
        {
            result[EvictionSignals.NodeFsAvailable] = new(Quantity.FromBytes(nodefs.AvailableBytes), Quantity.FromBytes(nodefs.CapacityBytes), now);
            if (nodefs.Inodes > 0)
            {
                result[EvictionSignals.NodeFsInodesFree] = new(Quantity.FromUnits(nodefs.InodesFree), Quantity.FromUnits(nodefs.Inodes), now);
            }
        }
        if (Statfs.Of(imageDir) is { } imagefs)
        {
            result[EvictionSignals.ImageFsAvailable] = new(Quantity.FromBytes(imagefs.AvailableBytes), Quantity.FromBytes(imagefs.CapacityBytes), now);
            if (imagefs.Inodes > 0)
            {
                result[EvictionSignals.ImageFsInodesFree] = new(Quantity.FromUnits(imagefs.InodesFree), Quantity.FromUnits(imagefs.Inodes), now);
            }
        }
        if (MaxPids() is { } maxPids && RunningTasks() is { } running)
        {
            result[EvictionSignals.PidAvailable] = new(Quantity.FromUnits(maxPids - running), Quantity.FromUnits(maxPids), now);
        }
        return result;
    }

    /// <summary>The root cgroup's working set: v1 memory.usage_in_bytes − total_inactive_file; else /proc/meminfo's view of the same.</summary>
    private long RootWorkingSet(Dictionary<string, long> meminfo)
    {
        var usage = PodsCgroup.Read(Path.Combine(cgroupRoot, "memory", "memory.usage_in_bytes"));
        if (usage is not null && long.TryParse(usage, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
        {
            var inactive = PodsCgroup.ReadKeyed(Path.Combine(cgroupRoot, "memory", "memory.stat"), "total_inactive_file") ?? 0;
            return Math.Max(0, bytes - inactive);
        }
        // cgroup v2 has no usage file at its root: what is in use, less the file pages that could be dropped.
        var used = meminfo.GetValueOrDefault("MemTotal") - meminfo.GetValueOrDefault("MemFree");
        return Math.Max(0, used - meminfo.GetValueOrDefault("Inactive(file)"));
    }

    private Dictionary<string, long> Meminfo() => Node.NodeFacts.ReadMeminfo(Path.Combine(proc, "meminfo"));

    private long? MaxPids()
    {
        var pidMax = ReadLong(Path.Combine(proc, "sys", "kernel", "pid_max"));
        var threadsMax = ReadLong(Path.Combine(proc, "sys", "kernel", "threads-max"));
        return pidMax is null ? threadsMax : threadsMax is null ? pidMax : Math.Min(pidMax.Value, threadsMax.Value);
    }

    /// <summary>The tasks that exist, from /proc/loadavg's "running/total" field.</summary>
    private long? RunningTasks()
    {
        var text = PodsCgroup.Read(Path.Combine(proc, "loadavg"));
        var fields = text?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is not { Length: >= 4 })
        {
            return null;
        }
        var slash = fields[3].IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && long.TryParse(fields[3].AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : null;
    }

    private static long? ReadLong(string path) =>
        PodsCgroup.Read(path) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
