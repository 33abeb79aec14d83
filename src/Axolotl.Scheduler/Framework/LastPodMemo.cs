using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// What a filter reads of the pod being scheduled, computed once for that pod object rather than once per node (upstream
/// keeps it in the cycle's PreFilter state). A cycle judges up to hundreds of nodes with one pod; informer objects are
/// never changed in place, so the pod's reference identifies what was computed.
/// </summary>
public sealed class LastPodMemo<T>(Func<Pod, T> compute)
{
    private Entry? _last;

    public T For(Pod pod)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && ReferenceEquals(last.Pod, pod))
        {
            return last.Value;
        }
        var value = compute(pod);
        Volatile.Write(ref _last, new Entry(pod, value));
        return value;
    }

    private sealed record Entry(Pod Pod, T Value);
}
