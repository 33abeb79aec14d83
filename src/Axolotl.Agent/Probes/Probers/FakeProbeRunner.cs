using Axolotl.Api.Core;

namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// The prober of nodes whose containers are fake: there is no process to exec in and nothing listens
/// on the pod IP, so every probe (exec, HTTP, TCP, gRPC) passes at once. The probe workers still run
/// on the pod's schedule, so initialDelaySeconds, periodSeconds and successThreshold shape when a pod
/// turns Ready, as on a real node whose probes all pass; liveness and startup probes never kill.
/// </summary>
public sealed class FakeProbeRunner : IProbeRunner
{
    private static readonly Task<ProbeResult> Passed = Task.FromResult(ProbeResult.Success());

    public Task<ProbeResult> RunAsync(Probe probe, ProbeTarget target, TimeSpan timeout, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Passed;
    }
}
