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

    /// <param name="retainRevisions">The newest revisions never compacted.</param>
    /// <param name="startRevision">
    /// The store's revision when the schedule starts. Everything at or below it is at least one interval old by
    /// the first tick, so that tick may already compact to it: history written before a restart is bounded one
    /// interval after the start instead of two.
    /// </param>
    public CompactionPlanner(long retainRevisions, long startRevision = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retainRevisions);
        ArgumentOutOfRangeException.ThrowIfNegative(startRevision);
        RetainRevisions = retainRevisions;
        _previousTickRevision = startRevision;
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
