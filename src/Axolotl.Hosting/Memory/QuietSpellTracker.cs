namespace Axolotl.Hosting.Memory;

/// <summary>
/// The reclaimer's decision, apart from the clock and the GC so that tests can drive it. A quiet spell
/// (allocation under the quiet rate) that follows growth past the floor earns a reclaim at each of
/// <see cref="MemoryReclaimerOptions.ReclaimAfterQuiet"/>; load ends the spell.
/// </summary>
internal sealed class QuietSpellTracker(MemoryReclaimerOptions options)
{
    private long _floor;
    private TimeSpan _quietFor;
    private int _nextPoint;

    public void Start(MemorySample first) => _floor = first.ResidentBytes;

    public bool ShouldReclaim(MemorySample previous, MemorySample now, TimeSpan interval)
    {
        var allocated = Math.Max(0, now.AllocatedBytes - previous.AllocatedBytes);
        var rate = allocated / Math.Max(interval.TotalSeconds, 0.001);
        if (rate >= options.QuietAllocationBytesPerSecond)
        {
            _quietFor = TimeSpan.Zero;
            _nextPoint = 0;
            return false;
        }
        _quietFor += interval;
        // The floor follows memory down (what the GC already gave back needs no collection).
        _floor = Math.Min(_floor, now.ResidentBytes);
        var points = options.ReclaimAfterQuiet;
        if (_nextPoint >= points.Count || _quietFor < points[_nextPoint])
        {
            return false;
        }
        // The first point needs growth; the later ones follow a first that found it.
        if (_nextPoint == 0 && now.ResidentBytes - _floor < options.GrowthThreshold)
        {
            return false;
        }
        _nextPoint++;
        return true;
    }

    /// <summary>After a reclaim, what is left is live: the new floor, so the next spell needs new growth.</summary>
    public void Reclaimed(MemorySample after) => _floor = after.ResidentBytes;
}
