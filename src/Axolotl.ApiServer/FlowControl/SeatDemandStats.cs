namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// A level's seat demand as the borrowing adjustment reads it each period: the period's peak, mean and deviation,
/// and a smoothed envelope that rises at once with demand and decays slowly (coefficient 0.977 per 10 s period,
/// a half-life of about five minutes), as upstream's seatDemandStats.
/// </summary>
public sealed class SeatDemandStats
{
    public const double SmoothingCoefficient = 0.977;

    public double HighWatermark { get; private set; }

    public double Average { get; private set; }

    public double Deviation { get; private set; }

    public double Smoothed { get; private set; }

    public void Update(SeatDemandObservation observed)
    {
        HighWatermark = observed.Max;
        if (observed.Seconds <= 0)
        {
            return;
        }
        Average = observed.Average;
        Deviation = double.IsNaN(observed.Deviation) ? 0 : observed.Deviation;
        var envelope = Average + Deviation;
        Smoothed = Math.Max(envelope, SmoothingCoefficient * Smoothed + (1 - SmoothingCoefficient) * envelope);
    }
}
