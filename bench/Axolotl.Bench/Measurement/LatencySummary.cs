namespace Axolotl.Bench.Measurement;

/// <summary>
/// Percentiles of one series in milliseconds, by the nearest-rank method (p99 of 5 samples is the
/// maximum: small series are reported honestly rather than interpolated). Throughput is samples per
/// second of wall time from the first start to the last end, when the series was timed that way.
/// ServerCpuPerOperation is the server's CPU time over the phase divided by its operations, if measured.
/// </summary>
internal sealed record LatencySummary(
    string Name,
    int Count,
    double P50,
    double P90,
    double P99,
    double Max,
    double Min,
    double Mean,
    double? ThroughputPerSecond,
    string? Note,
    double? ServerCpuPerOperation = null)
{
    public static LatencySummary From(string name, IReadOnlyCollection<double> samples, double spanSeconds, string? note = null)
    {
        if (samples.Count == 0)
        {
            throw new InvalidOperationException($"series \"{name}\" has no samples");
        }
        var sorted = samples.Order().ToArray();
        return new LatencySummary(
            name,
            sorted.Length,
            Percentile(sorted, 0.50),
            Percentile(sorted, 0.90),
            Percentile(sorted, 0.99),
            sorted[^1],
            sorted[0],
            sorted.Average(),
            spanSeconds > 0 ? sorted.Length / spanSeconds : null,
            note);
    }

    /// <summary>Nearest rank: the smallest sample with at least <paramref name="p"/> of the series at or below it.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IEnumerable<double> values) => Percentile(values.Order().ToArray(), 0.50);
}
