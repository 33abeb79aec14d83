using System.Diagnostics.Metrics;

namespace Axolotl.Agent.Metrics;

/// <summary>
/// The kubelet's instrumented families under their upstream names, help, labels and buckets
/// (pkg/kubelet/metrics/metrics.go, 1.32): pod start durations and the runtime operations, one meter
/// per agent. The runtime's calls are counted by <see cref="InstrumentedRuntime"/>.
/// </summary>
public sealed class KubeletMetrics : IDisposable
{
    public const string MeterName = "Axolotl.Kubelet";

    /// <summary>Upstream's podStartupDurationBuckets.</summary>
    private static readonly double[] PodStartBuckets = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600];

    private readonly Histogram<double> _podStart;
    private readonly Histogram<double> _podStartSli;
    private readonly Counter<long> _operations;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _operationDuration;
    private int _firstWithNetwork;

    public KubeletMetrics()
    {
        Meter = new Meter(MeterName);
        var podStart = new InstrumentAdvice<double> { HistogramBucketBoundaries = PodStartBuckets };
        _podStart = Meter.CreateHistogram("kubelet_pod_start_duration_seconds", "s",
            "[ALPHA] Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run", advice: podStart);
        _podStartSli = Meter.CreateHistogram("kubelet_pod_start_sli_duration_seconds", "s",
            "[ALPHA] Duration in seconds to start a pod, excluding time to pull images and run init containers, measured from pod creation timestamp to when all its containers are reported as started and observed via watch",
            advice: podStart);
        _operations = Meter.CreateCounter<long>("kubelet_runtime_operations_total",
            description: "[ALPHA] Cumulative number of runtime operations by operation type.");
        _errors = Meter.CreateCounter<long>("kubelet_runtime_operations_errors_total",
            description: "[ALPHA] Cumulative number of runtime operation errors by operation type.");
        _operationDuration = Meter.CreateHistogram("kubelet_runtime_operations_duration_seconds", "s",
            "[ALPHA] Duration in seconds of runtime operations. Broken down by operation type.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ExponentialBuckets(0.005, 2.5, 14) });
    }

    public Meter Meter { get; }

    /// <summary>A pod's containers all run for the first time: <paramref name="sinceSeen"/> from the agent's first sight of it.</summary>
    public void PodStarted(TimeSpan sinceSeen) => _podStart.Record(Math.Max(0, sinceSeen.TotalSeconds));

    /// <summary>
    /// The SLI: from the pod's creation to all its containers running, less the time spent pulling images
    /// and running init containers. first_with_network is "true" once per node, for the first pod on the
    /// pod network (its start waited for the network to come up), as upstream labels it.
    /// </summary>
    public void PodStartedSli(TimeSpan duration, bool hostNetwork)
    {
        var first = !hostNetwork && Interlocked.Exchange(ref _firstWithNetwork, 1) == 0;
        _podStartSli.Record(Math.Max(0, duration.TotalSeconds), new KeyValuePair<string, object?>("first_with_network", first ? "true" : "false"));
    }

    public void Operation(string operationType, TimeSpan elapsed, bool failed)
    {
        var tag = new KeyValuePair<string, object?>("operation_type", operationType);
        _operations.Add(1, tag);
        _operationDuration.Record(elapsed.TotalSeconds, tag);
        if (failed)
        {
            _errors.Add(1, tag);
        }
    }

    /// <summary>As Prometheus' ExponentialBuckets: each bound the previous times the factor.</summary>
    internal static double[] ExponentialBuckets(double start, double factor, int count)
    {
        var bounds = new double[count];
        for (var i = 0; i < count; i++)
        {
            bounds[i] = start;
            start *= factor;
        }
        return bounds;
    }

    public void Dispose() => Meter.Dispose();
}
