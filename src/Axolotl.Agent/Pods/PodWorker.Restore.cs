using Axolotl.Agent.Restart;
using Axolotl.Agent.Status;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>After an agent restart: the pod's containers are re-adopted from its checkpoint instead of started again.</summary>
public sealed partial class PodWorker
{
    /// <summary>Re-adopts what an earlier agent process started for this pod, from its checkpoint.</summary>
    private async Task RestoreAsync(CancellationToken ct)
    {
        var checkpoint = _ctx.Checkpoints.Load(Uid);
        if (checkpoint is null)
        {
            return;
        }
        Volatile.Write(ref _sandbox, checkpoint.Sandbox);
        Observed.StartTime = checkpoint.StartTime;
        Observed.SandboxReady = _sandbox is not null;
        Observed.PodIp = _sandbox is null ? null : _sandbox.Ip ?? _ctx.HostIp;
        foreach (var saved in checkpoint.Containers)
        {
            var seen = Get(saved.Name, saved.Init);
            seen.RestartCount = saved.RestartCount;
            seen.ContainerId = saved.ContainerId;
            seen.ImageId = saved.ImageId;
            seen.StartedImage = saved.StartedImage;
            seen.Terminated = saved.Terminated;
            seen.LastTermination = saved.LastTermination;
            if (saved.Backoff is { } backoff)
            {
                _ctx.Restarts.Restore(Uid, saved.Name, backoff);
            }
            if (saved.Handle is { } persisted)
            {
                var handle = await _ctx.Runtime.RecoverAsync(persisted, ct);
                if (handle is not null)
                {
                    _live.Set(saved.Name, handle, seen.RestartCount);
                    seen.RunningSince = handle.StartedAt;
                    var probed = saved.Init ? Latest.Spec?.InitContainers?.FirstOrDefault(c => c.Name == saved.Name && Sidecars.Is(c)) : Latest.Spec?.Containers.FirstOrDefault(c => c.Name == saved.Name);
                    _exits.Watch(saved.Name, handle, probed is not null ? Observed.PodIp : null);
                    if (probed is { } container)
                    {
                        StartProbes(container, handle, SeedFromStatus(saved.Name));
                    }
                    continue;
                }
                var now = Now;
                RecordExit(saved.Name, saved.Init, seen, new ContainerTermination(
                    137, null, "ContainerStatusUnknown", "The container could not be located when the agent restarted", persisted.StartedAt, now, persisted.Id), now);
            }
            else if (saved.Terminated is null && saved.LastTermination is not null && saved.Backoff is { Action: RestartAction.RestartAfterBackoff }
                && _ctx.Restarts.Pending(Uid, saved.Name) is { } waiting)
            {
                // It was waiting out its back-off when the agent stopped: it still is, until the restored decision's time
                // (without a decision, MayStart would start it at once, ahead of its schedule).
                _decisions[saved.Name] = waiting;
                seen.WaitingReason = "CrashLoopBackOff";
                seen.WaitingMessage = RestartTracker.CrashLoopBackOffMessage(waiting.Backoff, saved.Name, Latest.Metadata.Name ?? "", Latest.Metadata.Namespace ?? "", Uid);
            }
            else if (saved.Terminated is { } ended && Sidecars.IsSidecar(Latest.Spec, saved.Name))
            {
                _decisions[saved.Name] = _ctx.Restarts.OnExit(Uid, saved.Name, RestartPolicies.Always, ended.ExitCode, ended.StartedAt ?? ended.FinishedAt, ended.FinishedAt);
            }
            else if (saved.Terminated is { } ended2 && !(saved.Init && ended2.ExitCode == 0))
            {
                _decisions[saved.Name] = _ctx.Restarts.OnExit(Uid, saved.Name, IsEphemeral(saved.Name) ? RestartPolicies.Never : RestartPolicy, ended2.ExitCode, ended2.StartedAt ?? ended2.FinishedAt, ended2.FinishedAt, saved.Init);
            }
        }
        var log = _ctx.Log;
        if (log.IsEnabled(LogLevel.Information))
        {
            log.LogInformation("pod {Uid}: re-adopted {Count} running container(s)", Uid, _live.Count);
        }
    }
}
