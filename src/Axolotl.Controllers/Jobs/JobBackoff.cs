namespace Axolotl.Controllers.Jobs;

/// <summary>
/// The delay before a Job re-creates pods after failures (upstream backoffRecord): base × 2^(n-1)
/// for n failures since the last success, capped, counted from the last failure's end.
/// </summary>
internal sealed class JobBackoff
{
    private readonly Dictionary<string, (int Failures, DateTimeOffset LastFailure)> _records = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Remove(string key)
    {
        lock (_lock)
        {
            _records.Remove(key);
        }
    }

    /// <summary>Adds newly seen failed pods' end times; a newly seen success that ended after them resets the count.</summary>
    public void Observe(string key, IReadOnlyList<DateTimeOffset> failures, DateTimeOffset? lastSuccess)
    {
        lock (_lock)
        {
            var (count, last) = _records.GetValueOrDefault(key);
            foreach (var failure in failures.Order())
            {
                if (lastSuccess is { } s && s > failure)
                {
                    continue;
                }
                count++;
                if (failure > last)
                {
                    last = failure;
                }
            }
            if (lastSuccess is { } success && success >= last)
            {
                count = 0;
            }
            _records[key] = (count, last);
        }
    }

    /// <summary>How long pod creation must still wait; zero when it may go ahead.</summary>
    public TimeSpan Remaining(string key, DateTimeOffset now, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        lock (_lock)
        {
            if (!_records.TryGetValue(key, out var record) || record.Failures == 0)
            {
                return TimeSpan.Zero;
            }
            var delay = baseDelay;
            for (var i = 1; i < record.Failures && delay < maxDelay; i++)
            {
                delay += delay;
            }
            if (delay > maxDelay)
            {
                delay = maxDelay;
            }
            var remaining = record.LastFailure + delay - now;
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }
}
