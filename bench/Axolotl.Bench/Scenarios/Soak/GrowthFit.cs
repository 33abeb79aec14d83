namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// A least-squares line through one series over a window of the soak, and the verdict on it. The
/// rule, stated in the report: a series has levelled off when its fitted growth over the window
/// (slope × window length) is at most max(2 × the standard deviation of the residuals around the line,
/// the series' absolute floor). So a series that only wobbles is level, and one whose line rises by
/// more than its own wobble is growing. A falling series is level.
/// </summary>
internal sealed record GrowthFit(int Points, double SlopePerHour, double GrowthOverWindow, double ResidualDeviation, double Noise)
{
    public bool LevelledOff => GrowthOverWindow <= Noise;

    public const string Rule =
        "levelled off when slope × window length ≤ max(2 × standard deviation of the residuals around the fitted line, the series' floor)";

    /// <summary>Fits the samples' (minutes, value) points, skipping NaN; null with fewer than 3 points.</summary>
    public static GrowthFit? Fit(IReadOnlyList<(double Minutes, double Value)> points, double windowMinutes, double floor)
    {
        var valid = points.Where(p => !double.IsNaN(p.Value) && !double.IsInfinity(p.Value)).ToList();
        if (valid.Count < 3)
        {
            return null;
        }
        var meanX = valid.Average(p => p.Minutes);
        var meanY = valid.Average(p => p.Value);
        var sxx = valid.Sum(p => (p.Minutes - meanX) * (p.Minutes - meanX));
        var sxy = valid.Sum(p => (p.Minutes - meanX) * (p.Value - meanY));
        var slopePerMinute = sxx == 0 ? 0 : sxy / sxx;
        var intercept = meanY - slopePerMinute * meanX;
        var residualSquares = valid.Sum(p => Math.Pow(p.Value - (intercept + slopePerMinute * p.Minutes), 2));
        // n − 2 degrees of freedom: two parameters were fitted.
        var deviation = Math.Sqrt(residualSquares / (valid.Count - 2));
        var growth = slopePerMinute * windowMinutes;
        return new GrowthFit(valid.Count, slopePerMinute * 60, growth, deviation, Math.Max(2 * deviation, floor));
    }
}
