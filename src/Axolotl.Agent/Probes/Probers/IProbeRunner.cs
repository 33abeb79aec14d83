using Axolotl.Api.Core;

namespace Axolotl.Agent.Probes.Probers;

/// <summary>Runs one probe once (<see cref="ProbeRunner"/>); the seam the probe manager's tests fake.</summary>
public interface IProbeRunner
{
    /// <summary>Never throws for probe problems (they are Failures); only cancellation of <paramref name="ct"/> throws.</summary>
    Task<ProbeResult> RunAsync(Probe probe, ProbeTarget target, TimeSpan timeout, CancellationToken ct);
}
