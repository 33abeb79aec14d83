using System.Diagnostics;

namespace Axolotl.Bench.Measurement;

/// <summary>
/// Collects durations (thread-safe) and the wall-clock span they were taken over, so one recorder
/// gives both percentiles and throughput. Durations come from Stopwatch timestamps, never DateTime.
/// </summary>
internal sealed class LatencySamples(string name)
{
    private readonly List<double> _milliseconds = [];
    private long _firstStart;
    private long _lastEnd;

    public string Name { get; } = name;

    public int Count
    {
        get
        {
            lock (_milliseconds)
            {
                return _milliseconds.Count;
            }
        }
    }

    /// <summary>Records one operation that ran from <paramref name="start"/> to <paramref name="end"/> (Stopwatch timestamps).</summary>
    public void Add(long start, long end)
    {
        var ms = Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;
        lock (_milliseconds)
        {
            _milliseconds.Add(ms);
            if (_firstStart == 0 || start < _firstStart)
            {
                _firstStart = start;
            }
            if (end > _lastEnd)
            {
                _lastEnd = end;
            }
        }
    }

    /// <summary>Records a value measured some other way (e.g. a delay between two events, which may be negative).</summary>
    public void AddMilliseconds(double ms)
    {
        lock (_milliseconds)
        {
            _milliseconds.Add(ms);
        }
    }

    /// <summary>How many recorded durations exceed <paramref name="milliseconds"/>.</summary>
    public int CountOver(double milliseconds)
    {
        lock (_milliseconds)
        {
            return _milliseconds.Count(ms => ms > milliseconds);
        }
    }

    /// <summary>Times <paramref name="operation"/> and records it.</summary>
    public async Task<T> TimeAsync<T>(Func<Task<T>> operation)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await operation();
        Add(start, Stopwatch.GetTimestamp());
        return result;
    }

    public LatencySummary Summarize(string? note = null)
    {
        double[] sorted;
        double spanSeconds;
        lock (_milliseconds)
        {
            sorted = [.. _milliseconds];
            spanSeconds = _lastEnd > _firstStart ? Stopwatch.GetElapsedTime(_firstStart, _lastEnd).TotalSeconds : 0;
        }
        return LatencySummary.From(Name, sorted, spanSeconds, note);
    }
}
