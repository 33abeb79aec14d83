using Axolotl.Api.Annotations;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Probes;

/// <summary>
/// A probe's effective timing and thresholds: the probe's seconds (defaults 0/10/1/1/3 as upstream's
/// SetDefaults_Probe), overridden by the pod's <see cref="ProbeTimingAnnotation"/> where it sets a value.
/// </summary>
public sealed record ProbeTiming(TimeSpan InitialDelay, TimeSpan Period, TimeSpan Timeout, int SuccessThreshold, int FailureThreshold)
{
    public static ProbeTiming Of(Probe probe, ProbeTimingAnnotation? annotation)
    {
        var period = TimeSpan.FromSeconds(Math.Max(probe.PeriodSeconds ?? 10, 1));
        var timeout = TimeSpan.FromSeconds(Math.Max(probe.TimeoutSeconds ?? 1, 1));
        var delay = TimeSpan.FromSeconds(Math.Max(probe.InitialDelaySeconds ?? 0, 0));
        return new ProbeTiming(
            annotation?.InitialDelay ?? delay,
            annotation?.Period ?? period,
            annotation?.Timeout ?? timeout,
            Math.Max(probe.SuccessThreshold ?? 1, 1),
            Math.Max(probe.FailureThreshold ?? 3, 1));
    }
}
