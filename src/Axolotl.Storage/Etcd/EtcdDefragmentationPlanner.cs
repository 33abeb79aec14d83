namespace Axolotl.Storage.Etcd;

/// <summary>
/// Decides which members to defragment after a compaction tick. etcd never does it by itself: compaction frees
/// pages inside the bbolt file, and only a defragmentation (which blocks that member while it rewrites the
/// file) gives them back. k3s defragments its own member once at start; kube-apiserver does not at all; etcd
/// operators (OpenShift's defrag controller) check every member periodically and defragment one whose file
/// is large and mostly free. This follows the operators: at least <see cref="MinimumBytes"/> and at least
/// <see cref="FragmentedFraction"/> free, followers first and the leader last, so the cluster keeps a leader
/// that is not blocked while the others are done. Pure: no clock, no I/O.
/// </summary>
public sealed class EtcdDefragmentationPlanner
{
    public EtcdDefragmentationPlanner(long minimumBytes, double fragmentedFraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumBytes);
        if (!(fragmentedFraction is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fragmentedFraction), fragmentedFraction, "want a fraction above 0 and at most 1");
        }

        MinimumBytes = minimumBytes;
        FragmentedFraction = fragmentedFraction;
    }

    public long MinimumBytes { get; }

    public double FragmentedFraction { get; }

    /// <summary>The members to defragment, in the order to do them (one at a time).</summary>
    public IReadOnlyList<EtcdMemberStatus> Plan(IEnumerable<EtcdMemberStatus> members) =>
        [.. members
            .Where(m => m.DbSize >= MinimumBytes && m.FragmentedFraction >= FragmentedFraction)
            .OrderBy(m => m.IsLeader)];
}
