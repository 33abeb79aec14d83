namespace Axolotl.Storage.Compaction;

/// <summary>
/// Decides, once per compaction tick, how far history may be forgotten. Like kube-apiserver's
/// compactor it compacts to the revision it saw on the previous tick, so at least one full interval
/// of history survives for watchers that reconnect; and like kine it always keeps the newest
/// <see cref="RetainRevisions"/> revisions. Pure: no clock, no I/O.
/// </summary>
public sealed class CompactionPlanner
{
    private long _previousTickRevision;

    public CompactionPlanner(long retainRevisions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retainRevisions);
        RetainRevisions = retainRevisions;
    }

    public long RetainRevisions { get; }

    /// <summary>Records a tick; returns the revision to compact to, or null when nothing may be forgotten yet.</summary>
    public long? Tick(long currentRevision, long compactRevision)
    {
        var target = Math.Min(_previousTickRevision, currentRevision - RetainRevisions);
        _previousTickRevision = currentRevision;
        return target > compactRevision ? target : null;
    }
}
