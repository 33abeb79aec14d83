namespace Axolotl.Storage.Etcd;

/// <summary>
/// One member's answer to Maintenance.Status: its database file's size and the part of it in use (etcd
/// 3.4+; 0 from older members, which are then never judged fragmented), and whether it leads the cluster.
/// Member ids are uint64, compared as decimal strings.
/// </summary>
public sealed record EtcdMemberStatus(Uri Endpoint, string MemberId, long DbSize, long DbSizeInUse, bool IsLeader)
{
    /// <summary>The share of the file that compaction freed and only a defragmentation returns.</summary>
    public double FragmentedFraction => DbSize <= 0 || DbSizeInUse <= 0 ? 0 : (double)(DbSize - DbSizeInUse) / DbSize;
}
