using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Client.Events;

namespace Axolotl.Agent.Pods;

/// <summary>The pod's end on the node, in its lane's order; <see cref="PodTermination"/> does the steps.</summary>
public sealed partial class PodWorker
{
    /// <summary>Grace for pods found in a checkpoint whose object no longer exists: nobody waits for them.</summary>
    private static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Graceful termination: endpoint drain, preStop hooks, SIGTERM with the pod's grace period
    /// (deletionGracePeriodSeconds), sandbox removal, a final status, then the object's deletion,
    /// which is how the API server learns that the node has finished with it.
    /// </summary>
    private async Task TerminateAsync(CancellationToken ct)
    {
        Lifecycle.Terminating();
        var grace = Lifecycle.ObjectGone && Latest.Spec is null
            ? OrphanGrace
            : TimeSpan.FromSeconds(Latest.Metadata.DeletionGracePeriodSeconds ?? Latest.Spec?.TerminationGracePeriodSeconds ?? 30);
        if (!Lifecycle.ObjectGone && _live.Count > 0)
        {
            await _ctx.Termination.WaitForEndpointRemovalAsync(Uid, Latest, Observed.PodIp, grace, c => WriteStatusAsync(c, wait: true), ct);
        }
        await StopLiveContainersAsync(grace, ct);
        // Containers that never got to run end as waiting; the kubelet leaves them so.
        await RemoveSandboxAsync(ct);
        Lifecycle.Terminated();
        await _stop.CancelAsync();

        // The grace period may have passed meanwhile: a removal posted since decides what is left to do.
        TakeInbox();
        if (!Lifecycle.ObjectGone)
        {
            await WriteStatusAsync(ct, wait: true);
            await _ctx.Termination.DeleteObjectAsync(Uid, Latest, ct);
        }
        Cleanup();
    }

    /// <summary>Stops every running container (<see cref="PodTermination.StopAllAsync"/>) and records their exits.</summary>
    private async Task StopLiveContainersAsync(TimeSpan grace, CancellationToken ct)
    {
        foreach (var (name, handle, exit) in await _ctx.Termination.StopAllAsync(Latest, Observed.PodIp, _live.ToList(), grace, ct))
        {
            var init = Observed.InitContainers.ContainsKey(name);
            var seen = Get(name, init);
            RecordExit(name, init, seen, new ContainerTermination(
                exit.ExitCode, exit.Signal, ContainerTermination.ReasonFor(exit.ExitCode, exit.OomKilled), null, handle.StartedAt, exit.FinishedAt, handle.Id), exit.FinishedAt);
        }
    }

    /// <summary>The pod is gone: the node forgets it everywhere and removes its files.</summary>
    private void Cleanup()
    {
        Lifecycle.Finished();
        lock (_timerLock)
        {
            _timer?.Dispose();
            _timer = null;
        }
        _stop.Dispose();
        _ctx.Restarts.ForgetPod(Uid);
        _ctx.StatusWriter.Forget(Uid);
        _ctx.Readiness.Forget(Uid);
        _ctx.Checkpoints.Delete(Uid);
        _ctx.Termination.RemoveFiles(Uid);
    }
}
