namespace Axolotl.Commands;

/// <summary>
/// Testing only (`axolotl server --testing-cronjob-clock-rate N`): a clock that starts at the real time
/// and then runs N times faster, with timers N times shorter, so an E2E test sees a CronJob's
/// every-minute schedule fire every 60/N seconds. Only the CronJob controller is given it.
/// </summary>
internal sealed class ScaledClock : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly double _rate;
    private readonly DateTimeOffset _start;
    private readonly long _startTimestamp;

    public ScaledClock(TimeProvider inner, double rate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1.0);
        _inner = inner;
        _rate = rate;
        _start = inner.GetUtcNow();
        _startTimestamp = inner.GetTimestamp();
    }

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override long GetTimestamp() => _startTimestamp + (long)((_inner.GetTimestamp() - _startTimestamp) * _rate);

    public override DateTimeOffset GetUtcNow() => _start + (_inner.GetUtcNow() - _start) * _rate;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _inner.CreateTimer(callback, state, Scale(dueTime), Scale(period));

    private TimeSpan Scale(TimeSpan value) => value == Timeout.InfiniteTimeSpan ? value : value / _rate;
}
