namespace Axolotl.ApiServer.FlowControl;

/// <summary>What a <see cref="SeatDemandIntegrator"/> saw since its last reset: time-weighted mean and deviation, and the peak.</summary>
public readonly record struct SeatDemandObservation(double Seconds, double Average, double Deviation, double Max);

/// <summary>
/// A priority level's seat demand (seats executing plus seats waiting) integrated over time, as upstream's
/// fairqueuing integrator does for the borrowing adjustment: each value counts for as long as it held.
/// <see cref="Reset"/> returns the moments since the previous reset and starts again from the current value.
/// </summary>
public sealed class SeatDemandIntegrator(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private long _since = clock.GetTimestamp();
    private long _lastChange = clock.GetTimestamp();
    private double _value;
    private double _max;
    private double _sum;
    private double _sumOfSquares;

    /// <summary>The demand now; called by the level's queue set whenever a request arrives, starts, waits or leaves.</summary>
    public void Set(int value)
    {
        lock (_lock)
        {
            Accumulate(clock.GetTimestamp());
            _value = value;
            _max = Math.Max(_max, value);
        }
    }

    public SeatDemandObservation Reset()
    {
        lock (_lock)
        {
            var now = clock.GetTimestamp();
            Accumulate(now);
            var seconds = clock.GetElapsedTime(_since, now).TotalSeconds;
            var average = seconds > 0 ? _sum / seconds : _value;
            var variance = seconds > 0 ? Math.Max(0, _sumOfSquares / seconds - average * average) : 0;
            var observed = new SeatDemandObservation(seconds, average, Math.Sqrt(variance), _max);
            _since = now;
            _sum = 0;
            _sumOfSquares = 0;
            _max = _value;
            return observed;
        }
    }

    private void Accumulate(long now)
    {
        var held = clock.GetElapsedTime(_lastChange, now).TotalSeconds;
        _sum += _value * held;
        _sumOfSquares += _value * _value * held;
        _lastChange = now;
    }
}
