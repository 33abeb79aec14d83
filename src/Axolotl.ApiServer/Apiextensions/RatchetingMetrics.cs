using System.Diagnostics.Metrics;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>
/// apiextensions_apiserver_validation_ratcheting_seconds, as upstream (ALPHA in 1.32): per custom resource update, the
/// time spent correlating the object with its old self and comparing them, in upstream's buckets (10 µs × 4ⁿ).
/// </summary>
internal static class RatchetingMetrics
{
    // ApiServerMetrics.MeterName, written out: Metrics reaches Rest, which reaches the admission that calls this.
    private static readonly Meter Meter = new("Axolotl.ApiServer");

    private static readonly Histogram<double> Ratcheting = Meter.CreateHistogram<double>("apiextensions_apiserver_validation_ratcheting_seconds", "s",
        "[ALPHA] Time for comparison of old to new for the purposes of CRDValidationRatcheting during an UPDATE in seconds.",
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.00001, 0.00004, 0.00016, 0.00064, 0.00256, 0.01024, 0.04096, 0.16384, 0.65536, 2.62144],
        });

    public static void Observe(TimeSpan spent) => Ratcheting.Record(spent.TotalSeconds);
}
