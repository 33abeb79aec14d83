namespace Axolotl.Agent.Eviction;

/// <summary>What one pod uses, for ranking and the eviction message (the kubelet's pod stats).</summary>
/// <param name="Containers">Per container, in spec order (app containers, then init containers).</param>
/// <param name="VolumeBytes">Local volumes (emptyDir and the pod's other node-local files) on the node's filesystem.</param>
public sealed record PodUsage(IReadOnlyList<ContainerUsage> Containers, long VolumeBytes, long VolumeInodes, int Processes)
{
    public long MemoryWorkingSetBytes => Containers.Sum(c => c.MemoryWorkingSetBytes);

    /// <summary>Writable layers, logs and local volumes: what a disk eviction frees.</summary>
    public long DiskBytes => Containers.Sum(c => c.RootfsBytes + c.LogsBytes) + VolumeBytes;

    public long Inodes => Containers.Sum(c => c.Inodes) + VolumeInodes;
}

/// <param name="RootfsBytes">The container's writable layer.</param>
public sealed record ContainerUsage(string Name, long MemoryWorkingSetBytes, long RootfsBytes, long LogsBytes, long Inodes);
