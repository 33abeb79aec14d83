namespace Axolotl.Testing;

/// <summary>
/// A clock that moves only when the test calls <see cref="Advance"/>. Timers (and so Task.Delay with
/// this provider, CancellationTokenSource timeouts, work-queue delays) fire during Advance, in due
/// order, on the calling thread, with the clock set to their due time. A timer due at once (zero) fires
/// on the next Advance, Advance(TimeSpan.Zero) included.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<FakeTimer> _timers = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _timerWaiters = [];
    private DateTimeOffset _now;
    private long _elapsedTicks;
    private long _sequence;

    public FakeTimeProvider()
        : this(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public FakeTimeProvider(DateTimeOffset start)
    {
        _now = start;
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Timers that are scheduled and not disposed.</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    /// <summary>The earliest scheduled due time from now, or null when no timer is pending.</summary>
    public TimeSpan? NextDue
    {
        get
        {
            lock (_lock)
            {
                var next = _timers.Where(t => t.Due is not null).Select(t => t.Due!.Value).DefaultIfEmpty(long.MaxValue).Min();
                return next == long.MaxValue ? null : TimeSpan.FromTicks(Math.Max(0, next - _elapsedTicks));
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _elapsedTicks;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Completes once at least <paramref name="count"/> timers are scheduled (e.g. a retry is waiting on its backoff).</summary>
    public Task WaitForTimersAsync(int count = 1)
    {
        lock (_lock)
        {
            if (_timers.Count(t => t.Due is not null) >= count)
            {
                return Task.CompletedTask;
            }
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _timerWaiters.Add((count, signal));
            return signal.Task;
        }
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        long target;
        lock (_lock)
        {
            target = _elapsedTicks + delta.Ticks;
        }
        while (true)
        {
            FakeTimer? due;
            lock (_lock)
            {
                due = _timers.Where(t => t.Due is { } d && d <= target).OrderBy(t => t.Due).ThenBy(t => t.Sequence).FirstOrDefault();
                if (due is null)
                {
                    _now += TimeSpan.FromTicks(target - _elapsedTicks);
                    _elapsedTicks = target;
                    return;
                }
                var at = due.Due!.Value;
                if (at > _elapsedTicks)
                {
                    _now += TimeSpan.FromTicks(at - _elapsedTicks);
                    _elapsedTicks = at;
                }
                due.Due = due.Period > 0 ? at + due.Period : null;
            }
            due.Fire();
        }
    }

    private void Schedule(FakeTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        List<TaskCompletionSource> ready = [];
        lock (_lock)
        {
            timer.Due = dueTime == Timeout.InfiniteTimeSpan ? null : _elapsedTicks + Math.Max(0, dueTime.Ticks);
            timer.Period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : period.Ticks;
            timer.Sequence = Interlocked.Increment(ref _sequence);
            var active = _timers.Count(t => t.Due is not null);
            foreach (var waiter in _timerWaiters.Where(w => active >= w.Count).ToList())
            {
                _timerWaiters.Remove(waiter);
                ready.Add(waiter.Signal);
            }
        }
        foreach (var signal in ready)
        {
            signal.TrySetResult();
        }
    }

    private void Remove(FakeTimer timer)
    {
        lock (_lock)
        {
            timer.Due = null;
            _timers.Remove(timer);
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long? Due { get; set; }

        public long Period { get; set; }

        public long Sequence { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Schedule(this, dueTime, period);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
