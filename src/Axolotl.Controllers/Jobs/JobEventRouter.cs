using Axolotl.Api.Batch;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Jobs;

/// <summary>
/// Turns Job and pod notifications into Job keys for the reconciler (upstream's Job controller event
/// handlers), keeping the create/delete and finalizer-removal expectations current, and sends pods
/// that hold the tracking finalizer without a live Job to the orphan queue.
/// </summary>
internal sealed class JobEventRouter(IObjectCache<Job> jobs, ControllerExpectations expectations, JobReconciler reconciler,
    Action<ObjectKey> enqueueJob, Action<ObjectKey> enqueueOrphan)
{
    public void JobChanged(Job job) => enqueueJob(ObjectKey.Of(job));

    public void JobDeleted(Job job)
    {
        var key = ObjectKey.Of(job);
        expectations.Delete(key.ToString());
        enqueueJob(key);
        // Its pods lose their owner: the orphan queue takes their finalizers off.
        foreach (var pod in OrphansOf(job))
        {
            enqueueOrphan(ObjectKey.Of(pod));
        }
    }

    private readonly List<Func<Job, IEnumerable<Pod>>> _orphanSources = [];

    /// <summary>Where JobDeleted finds the pods of a deleted Job (the pod cache, wired by the controller).</summary>
    public void AddOrphanSource(Func<Job, IEnumerable<Pod>> source) => _orphanSources.Add(source);

    private IEnumerable<Pod> OrphansOf(Job job) => _orphanSources.SelectMany(s => s(job));

    public void PodAdded(Pod pod)
    {
        if (Owner(pod) is { } job)
        {
            var key = ObjectKey.Of(job);
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                expectations.DeletionObserved(key.ToString(), PodState.Key(pod));
            }
            else
            {
                expectations.CreationObserved(key.ToString());
            }
            enqueueJob(key);
            return;
        }
        if (JobPods.HasTrackingFinalizer(pod))
        {
            enqueueOrphan(ObjectKey.Of(pod));
        }
    }

    public void PodUpdated(Pod old, Pod pod)
    {
        if (old.Metadata.ResourceVersion == pod.Metadata.ResourceVersion)
        {
            return;
        }
        var job = Owner(pod);
        if (job is not null)
        {
            var key = ObjectKey.Of(job);
            if (pod.Metadata.DeletionTimestamp is not null && old.Metadata.DeletionTimestamp is null)
            {
                expectations.DeletionObserved(key.ToString(), PodState.Key(pod));
            }
            if (!JobPods.HasTrackingFinalizer(pod))
            {
                reconciler.FinalizerRemovalObserved(key.ToString(), pod.Metadata.Uid ?? "");
            }
            enqueueJob(key);
        }
        else if (JobPods.HasTrackingFinalizer(pod))
        {
            enqueueOrphan(ObjectKey.Of(pod));
        }
        if (ControllerRefs.ControllerOf(old) is { } oldRef && oldRef.Uid != ControllerRefs.ControllerOf(pod)?.Uid &&
            Resolve(old.Metadata.Namespace, oldRef) is { } previous)
        {
            enqueueJob(ObjectKey.Of(previous));
        }
    }

    public void PodDeleted(Pod pod)
    {
        if (ControllerRefs.ControllerOf(pod) is { } reference && ControllerRefs.Refers(reference, KnownResources.Jobs))
        {
            var key = new ObjectKey(pod.Metadata.Namespace, reference.Name);
            expectations.DeletionObserved(key.ToString(), PodState.Key(pod));
            reconciler.FinalizerRemovalObserved(key.ToString(), pod.Metadata.Uid ?? "");
            enqueueJob(key);
        }
    }

    private Job? Owner(Pod pod) =>
        ControllerRefs.ControllerOf(pod) is { } reference ? Resolve(pod.Metadata.Namespace, reference) : null;

    private Job? Resolve(string? ns, OwnerReference reference)
    {
        if (!ControllerRefs.Refers(reference, KnownResources.Jobs))
        {
            return null;
        }
        var job = jobs.Get(ns, reference.Name);
        return job?.Metadata.Uid == reference.Uid ? job : null;
    }
}
