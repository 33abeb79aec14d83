using Axolotl.Agent.Recovery;
using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Runtime;

namespace Axolotl.Agent.Pods;

/// <summary>What the lane reports: the pod's status (readiness to the node's proxy first), and the checkpoint an agent restart re-adopts from.</summary>
public sealed partial class PodWorker
{
    /// <summary>
    /// Hands the pod's current status to the background writer. The lane waits for the write only
    /// when <paramref name="wait"/> (before deleting the pod object, before SIGTERM for zero-drop).
    /// </summary>
    private async Task WriteStatusAsync(CancellationToken ct, bool wait = false)
    {
        if (Lifecycle.ObjectGone)
        {
            TellReadiness(ready: false);
            return;
        }
        var written = SubmitStatus();
        if (wait)
        {
            await written.WaitAsync(ct);
        }
    }

    /// <summary>
    /// The status this lane last computed and handed to the writer: its conditions' transition times are
    /// the ones the next status keeps (the kubelet's status manager cache). Null until the first one.
    /// </summary>
    private PodStatus? _ownStatus;

    /// <summary>Computes the pod's status now, tells the node's proxy its readiness and queues the write; the task is the write's.</summary>
    private Task SubmitStatus(bool keep = false)
    {
        var status = PodStatusComputer.Compute(Latest, Observed, Latest.Status, Now, ProbeViews(), _ownStatus);
        _ownStatus = status;
        TellReadiness(Latest.Metadata.DeletionTimestamp is null && !Lifecycle.IsTerminated &&
            status.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True");
        return _ctx.StatusWriter.Submit(Uid, () => Inbox.Newest(Latest), status, OnStatusStored, OnPodGone, keep);
    }

    /// <summary>Tells the node's proxy a change of readiness at once, ahead of the status write (ADR 0003).</summary>
    private void TellReadiness(bool ready) =>
        _ctx.Readiness.Tell(Uid, Observed.PodIp, ready, failure: !Lifecycle.ObjectGone && Latest.Metadata.DeletionTimestamp is null && !Lifecycle.IsTerminated);

    /// <summary>On the status writer's thread: posts the stored pod for the lane, which takes it at its next sync.</summary>
    private void OnStatusStored(Pod stored)
    {
        if (StartTrace.FilePath is not null)
        {
            StartTrace.Mark("pod-status-stored-" + stored.Status?.Phase, stored.Metadata.Name, Uid);
        }
        Inbox.Stored(stored, Latest);
    }

    /// <summary>On the status writer's thread: the pod is gone; the lane learns it from its inbox.</summary>
    private void OnPodGone()
    {
        Inbox.Gone();
        _trigger(Uid);
    }

    private void SaveCheckpoint()
    {
        var containers = Observed.InitContainers.Values.Select(c => (c, true)).Concat(Observed.Containers.Values.Select(c => (c, false)))
            .Concat(Observed.EphemeralContainers.Values.Select(c => (c, false)))
            .Select(pair => new ContainerCheckpoint
            {
                Name = pair.c.Name,
                Init = pair.Item2,
                RestartCount = pair.c.RestartCount,
                Handle = _live.GetValueOrDefault(pair.c.Name),
                ContainerId = pair.c.ContainerId,
                ImageId = pair.c.ImageId,
                StartedImage = pair.c.StartedImage,
                Terminated = pair.c.Terminated,
                LastTermination = pair.c.LastTermination,
                Backoff = _ctx.Restarts.Snapshot(Uid, pair.c.Name),
            })
            .ToList();
        _ctx.Checkpoints.Save(new PodCheckpoint { PodUid = Uid, Sandbox = _sandbox, StartTime = Observed.StartTime, Containers = containers });
    }
}
