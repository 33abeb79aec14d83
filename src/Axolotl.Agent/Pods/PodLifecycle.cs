using Axolotl.Agent.Status;

namespace Axolotl.Agent.Pods;

/// <summary>Where a pod worker is in its life, as the kubelet's pod workers name it.</summary>
public enum PodWorkerState
{
    /// <summary>The pod is wanted: its containers are started, restarted and probed.</summary>
    Syncing,

    /// <summary>The pod's containers are being stopped (deletion, eviction, activeDeadlineSeconds); nothing starts again.</summary>
    Terminating,

    /// <summary>No container runs and none will (the phase is Succeeded or Failed); the sandbox is released.</summary>
    Terminated,

    /// <summary>The pod is gone from the API and everything of it is cleaned up: the worker can be dropped.</summary>
    Finished,
}

/// <summary>
/// The one place where a pod worker's state changes: Syncing → Terminating → Terminated → Finished,
/// never backwards; Syncing → Terminated directly for a pod refused at admission or whose containers
/// all finished for good. Whether the pod object still exists is a fact beside the state (the kubelet's
/// podSyncStatus.deleted): a pod is deleted in any state. Only the pod's lane calls the transitions;
/// other threads may read the state.
/// </summary>
public sealed class PodLifecycle(ObservedPod observed)
{
    private int _state = (int)PodWorkerState.Syncing;
    private int _objectGone;

    public PodWorkerState State => (PodWorkerState)Volatile.Read(ref _state);

    /// <summary>The pod object is gone from the API (deleted, possibly forcibly, or never seen: an orphaned checkpoint).</summary>
    public bool ObjectGone => Volatile.Read(ref _objectGone) != 0;

    /// <summary>Terminated or Finished: no container of the pod will run again.</summary>
    public bool IsTerminated => State >= PodWorkerState.Terminated;

    public bool IsFinished => State == PodWorkerState.Finished;

    /// <summary>Syncing → Terminating; a later state stays as it is.</summary>
    public void Terminating()
    {
        if (State == PodWorkerState.Syncing)
        {
            Set(PodWorkerState.Terminating);
        }
    }

    /// <summary>Syncing or Terminating → Terminated: the status computation then reports the final phase.</summary>
    public void Terminated()
    {
        if (State < PodWorkerState.Terminated)
        {
            Set(PodWorkerState.Terminated);
        }
        observed.Terminal = true;
    }

    /// <summary>Terminated → Finished, once the pod's object is gone and its resources are released.</summary>
    public void Finished()
    {
        if (State != PodWorkerState.Terminated)
        {
            throw new InvalidOperationException($"a pod worker finishes only once terminated, not from {State}");
        }
        Set(PodWorkerState.Finished);
    }

    public void ObjectDeleted() => Volatile.Write(ref _objectGone, 1);

    private void Set(PodWorkerState state) => Volatile.Write(ref _state, (int)state);
}
