using Axolotl.Agent.Restart;
using Axolotl.Agent.Status;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Pods;

/// <summary>
/// Init containers, as the kubelet's computeInitContainerActions orders them: each regular one runs
/// to success before the next starts; a sidecar (restartPolicy Always) is started and only its start
/// is awaited (postStart done, startup probe passed), never its exit; it is restarted whenever it
/// exits, also after the app containers have started.
/// </summary>
public sealed partial class PodWorker
{
    /// <summary>Starts what the init sequence needs now; true once the app containers may run.</summary>
    private async Task<bool> SyncInitContainersAsync(PodSpec spec, CancellationToken ct)
    {
        // Once an app container has been created the pod was initialized: regular init containers
        // never run again, and only sidecars are kept running.
        var initialized = Observed.Containers.Values.Any(c => c.ContainerId is not null);
        foreach (var container in spec.InitContainers ?? [])
        {
            var seen = Get(container.Name, init: true);
            if (Sidecars.Is(container))
            {
                if (!seen.IsRunning && !_sidecarsStopping && MayStart(container.Name, seen))
                {
                    _timings.InitStarted();
                    await StartContainerAsync(container, seen, init: true, ct);
                }
                if (!initialized && !SidecarStarted(container.Name))
                {
                    return false;
                }
                continue;
            }
            if (initialized || seen.Terminated is { ExitCode: 0 })
            {
                continue;
            }
            if (!seen.IsRunning && MayStart(container.Name, seen))
            {
                _timings.InitStarted();
                await StartContainerAsync(container, seen, init: true, ct);
            }
            return false;
        }
        return true;
    }

    /// <summary>A sidecar runs and its startup probe (if any) has passed; its postStart hook ran in its start.</summary>
    private bool SidecarStarted(string name) =>
        _live.TryGetValue(name, out var handle) && _ctx.Probes.StateOf(Uid, name, handle.Id).Started;

    /// <summary>Set once the pod's sidecars are being stopped because nothing else will run again: they are not restarted.</summary>
    private bool _sidecarsStopping;

    /// <summary>
    /// A pod whose app containers have all finished for good (restartPolicy Never or OnFailure), or
    /// whose init container failed under Never, is done: its sidecars are stopped, after which the
    /// pod completes by its app containers, as the kubelet's computePodActions kills such a pod.
    /// </summary>
    private async Task StopSidecarsWhenDoneAsync(PodSpec spec, bool initDone, CancellationToken ct)
    {
        if (_sidecarsStopping || !_live.Names.Any(name => Sidecars.IsSidecar(spec, name)))
        {
            return;
        }
        var appsDone = initDone && spec.Containers.Count > 0 && spec.Containers.All(c => FinishedForGood(Get(c.Name, init: false)));
        var initFailed = RestartPolicy == RestartPolicies.Never && (spec.InitContainers ?? [])
            .Any(c => !Sidecars.Is(c) && Get(c.Name, init: true) is { Terminated.ExitCode: not 0 } seen && FinishedForGood(seen));
        if (!appsDone && !initFailed)
        {
            return;
        }
        _sidecarsStopping = true;
        await StopLiveContainersAsync(TimeSpan.FromSeconds(spec.TerminationGracePeriodSeconds ?? 30), ct);
        SaveCheckpoint();
    }

    private bool FinishedForGood(ObservedContainer seen) =>
        !seen.IsRunning && seen.Terminated is not null &&
        (!_decisions.TryGetValue(seen.Name, out var decision) || decision.Action == RestartAction.DoNotRestart);
}
