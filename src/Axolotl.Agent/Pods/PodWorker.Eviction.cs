using Axolotl.Agent.Eviction;
using Axolotl.Api.Core;
using Axolotl.Client.Events;

namespace Axolotl.Agent.Pods;

/// <summary>Node-pressure eviction and admission under pressure.</summary>
public sealed partial class PodWorker
{
    private readonly TaskCompletionSource _evicted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EvictionOrder? _eviction;
    private bool _admitted;

    /// <summary>The pod is still the node's to run: not finished, failed, succeeded or being deleted.</summary>
    public bool IsActive => !Lifecycle.IsTerminated && !Lifecycle.ObjectGone && Latest.Metadata.DeletionTimestamp is null && Volatile.Read(ref _eviction) is null;

    /// <summary>
    /// Evicts the pod from the node (the kubelet's TerminatePodAbnormallyAndWait): Evicted event,
    /// DisruptionTarget condition, containers stopped with <paramref name="grace"/>, phase Failed with
    /// reason Evicted and <paramref name="message"/>. Completes when that is done (or the pod had ended).
    /// </summary>
    public Task EvictAsync(string message, TimeSpan grace)
    {
        Interlocked.CompareExchange(ref _eviction, new EvictionOrder(message, grace), null);
        _trigger(Uid);
        return _evicted.Task;
    }

    private async Task<bool> EnforceEvictionAsync(CancellationToken ct)
    {
        var order = Volatile.Read(ref _eviction);
        if (order is null)
        {
            return false;
        }
        if (Lifecycle.IsTerminated)
        {
            _evicted.TrySetResult();
            return false;
        }
        FailPod(EvictionMessages.Reason, order.Message);
        Observed.DisruptionTarget ??= new PodCondition
        {
            Type = "DisruptionTarget",
            Status = "True",
            Reason = EvictionMessages.TerminationByKubelet,
            Message = order.Message,
            LastTransitionTime = Now,
        };
        _ctx.Events.Record(Latest, EventRecorder.Warning, EvictionMessages.Reason, order.Message);
        _ctx.Probes.RemovePod(Uid);
        // The condition is on the pod before its containers stop, as the kubelet writes it first.
        await WriteStatusAsync(ct);
        Lifecycle.Terminating();
        await StopLiveContainersAsync(order.Grace, ct);
        Lifecycle.Terminated();
        await RemoveSandboxAsync(ct);
        SaveCheckpoint();
        try
        {
            await WriteStatusAsync(ct, wait: true);
        }
        finally
        {
            _evicted.TrySetResult();
        }
        return true;
    }

    /// <summary>
    /// A pod the node has not started yet is first offered to the admit handlers; a refused one fails
    /// at once with their reason, a Warning event and "Pod was rejected: …" (the kubelet's rejectPod).
    /// A pod the API already shows Failed or Succeeded (evicted, refused or past its deadline before
    /// an agent restart) is not run again, as the kubelet never restarts a pod in a terminal phase.
    /// </summary>
    private async Task<bool> RejectAtAdmissionAsync(CancellationToken ct)
    {
        if (_admitted)
        {
            return false;
        }
        if (Latest.Status?.Phase is "Failed" or "Succeeded" && _live.Count == 0)
        {
            _admitted = true;
            Lifecycle.Terminated();
            await RemoveSandboxAsync(ct);
            return true;
        }
        // Started before (recovered from a checkpoint): admitted then.
        if (Observed.StartTime is not null || _sandbox is not null || _ctx.Admission?.Admit(Latest) is not { } rejection)
        {
            _admitted = true;
            return false;
        }
        Observed.Rejected = true;
        FailPod(rejection.Reason, EvictionMessages.Rejected(rejection.Message));
        _ctx.Events.Record(Latest, EventRecorder.Warning, rejection.Reason, rejection.Message);
        Lifecycle.Terminated();
        SaveCheckpoint();
        await WriteStatusAsync(ct, wait: true);
        return true;
    }

    private sealed record EvictionOrder(string Message, TimeSpan Grace);
}
