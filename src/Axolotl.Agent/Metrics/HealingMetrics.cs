using System.Diagnostics.Metrics;

namespace Axolotl.Agent.Metrics;

/// <summary>
/// Axolotl's own healing histograms, one meter per agent (several fake nodes can share a process), each
/// series labelled with the node: a container's exit → its replacement running, a liveness or startup
/// probe's failure crossing its threshold → the restarted container running, and a pod found not ready →
/// its endpoint gone from the EndpointSlices (ADR 0017). Each restart is counted once, in the first or the
/// second histogram: a probe kill's exit is the probe's, not a crash's. Buckets reach from a millisecond
/// (a standby's restart) to CrashLoopBackOff's five minutes, so a back-off restart is not lost in +Inf.
/// </summary>
public sealed class HealingMetrics : IDisposable
{
    public const string MeterName = "Axolotl.Healing";

    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly Histogram<double> _containerRestart;
    private readonly Histogram<double> _probeRestart;
    private readonly Histogram<double> _readinessRemoval;
    private readonly KeyValuePair<string, object?> _node;

    public HealingMetrics(string nodeName)
    {
        Meter = new Meter(MeterName);
        _node = new("node", nodeName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets };
        _containerRestart = Meter.CreateHistogram("axolotl_container_restart_duration_seconds", "s",
            "Time from a container's exit, as the node agent observed it, to its replacement running, per node. Restarts after a failed liveness or startup probe are in axolotl_probe_restart_duration_seconds instead.",
            advice: advice);
        _probeRestart = Meter.CreateHistogram("axolotl_probe_restart_duration_seconds", "s",
            "Time from a liveness or startup probe failure crossing its failure threshold to the restarted container running, per node.",
            advice: advice);
        _readinessRemoval = Meter.CreateHistogram("axolotl_readiness_endpoint_removal_seconds", "s",
            "Time from the node agent finding a pod not ready (a failed readiness probe or an exited container) to its endpoint no longer ready in the EndpointSlices, as this node's watch saw them, per node.",
            advice: advice);
    }

    public Meter Meter { get; }

    public void ContainerRestarted(TimeSpan sinceExit) => _containerRestart.Record(Seconds(sinceExit), _node);

    public void ProbeRestarted(TimeSpan sinceFailure) => _probeRestart.Record(Seconds(sinceFailure), _node);

    public void EndpointRemoved(TimeSpan sinceNotReady) => _readinessRemoval.Record(Seconds(sinceNotReady), _node);

    /// <summary>Times come from the runtime's and the probers' readings of one clock; a negative span is a reordering, not a time travel.</summary>
    private static double Seconds(TimeSpan span) => Math.Max(0, span.TotalSeconds);

    public void Dispose() => Meter.Dispose();
}
