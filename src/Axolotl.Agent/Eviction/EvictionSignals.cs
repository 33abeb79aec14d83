namespace Axolotl.Agent.Eviction;

/// <summary>
/// The kubelet's eviction signals (pkg/kubelet/eviction/api), the node condition each one drives and
/// the resource an eviction for it reclaims. allocatableMemory.available is internal: it is derived
/// from the hard memory.available threshold and watches the pods' cgroup against its limit.
/// </summary>
public static class EvictionSignals
{
    public const string MemoryAvailable = "memory.available";
    public const string AllocatableMemoryAvailable = "allocatableMemory.available";
    public const string NodeFsAvailable = "nodefs.available";
    public const string NodeFsInodesFree = "nodefs.inodesFree";
    public const string ImageFsAvailable = "imagefs.available";
    public const string ImageFsInodesFree = "imagefs.inodesFree";
    public const string PidAvailable = "pid.available";

    public const string MemoryPressure = "MemoryPressure";
    public const string DiskPressure = "DiskPressure";
    public const string PidPressure = "PIDPressure";

    /// <summary>The signals a user may name in --eviction-hard/-soft/-soft-grace-period/-minimum-reclaim.</summary>
    public static bool IsValid(string signal) => signal is MemoryAvailable or AllocatableMemoryAvailable or NodeFsAvailable or NodeFsInodesFree
        or ImageFsAvailable or ImageFsInodesFree or PidAvailable;

    public static string Condition(string signal) => signal switch
    {
        MemoryAvailable or AllocatableMemoryAvailable => MemoryPressure,
        PidAvailable => PidPressure,
        _ => DiskPressure,
    };

    /// <summary>The resource named in "The node was low on resource: X."</summary>
    public static string Resource(string signal) => signal switch
    {
        MemoryAvailable or AllocatableMemoryAvailable => "memory",
        NodeFsAvailable or ImageFsAvailable => "ephemeral-storage",
        NodeFsInodesFree or ImageFsInodesFree => "inodes",
        _ => "pids",
    };

    public static bool IsMemory(string signal) => signal is MemoryAvailable or AllocatableMemoryAvailable;
}
