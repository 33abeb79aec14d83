namespace Axolotl.Hosting.Memory;

/// <summary>
/// When to trim glibc's arenas while the process stays busy, apart from the clock so that tests can drive it.
/// Under steady load the quiet spell never comes, and the arenas keep every page TLS and SQLite freed: the
/// 60-minute soak saw a third of them free and anonymous memory rising about 1.3 MB a minute. A trim
/// (no collection, a few milliseconds) once the native share grew <see cref="MemoryReclaimerOptions.NativeGrowthThreshold"/>
/// over its floor, at most once per <see cref="MemoryReclaimerOptions.NativeTrimInterval"/>, bounds that.
/// </summary>
internal sealed class NativeTrimTracker(MemoryReclaimerOptions options)
{
    private long _floor;
    private TimeSpan _sinceTrim;

    public void Start(MemorySample first) => _floor = first.NativeBytes;

    public bool ShouldTrim(MemorySample now, TimeSpan interval)
    {
        _sinceTrim += interval;
        // The floor follows the native share down: what was given back already needs no trim.
        _floor = Math.Min(_floor, now.NativeBytes);
        return _sinceTrim >= options.NativeTrimInterval && now.NativeBytes - _floor >= options.NativeGrowthThreshold;
    }

    /// <summary>After a trim (or a full reclaim, which trims too) what is left is in use: the new floor.</summary>
    public void Trimmed(MemorySample after)
    {
        _floor = after.NativeBytes;
        _sinceTrim = TimeSpan.Zero;
    }
}
