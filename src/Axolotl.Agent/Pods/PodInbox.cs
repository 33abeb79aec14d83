using Axolotl.Api.Core;

namespace Axolotl.Agent.Pods;

/// <summary>
/// What other threads tell a pod's lane: the newest pod object (from the watch or as the status
/// writer stored it) and that the object is gone. They post here and trigger the lane; only the lane
/// takes what was posted and changes the worker's state with it, at the start of a sync. Newer
/// overwrites older, as the lane's one pending sync does. Thread-safe.
/// </summary>
public sealed class PodInbox
{
    private Pod? _pod;
    private int _gone;
    private int _deletionSeen;

    /// <summary>
    /// A deletion was posted (a deletionTimestamp or the object's removal), taken by the lane or not:
    /// what the runtime's threads ask before restarting a container on their own.
    /// </summary>
    public bool DeletionSeen => Volatile.Read(ref _deletionSeen) != 0;

    /// <summary>The watch delivered <paramref name="pod"/>: the lane takes it as it is.</summary>
    public void Changed(Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            Volatile.Write(ref _deletionSeen, 1);
        }
        Volatile.Write(ref _pod, pod);
    }

    /// <summary>
    /// The status writer stored <paramref name="stored"/>. The watch delivers the same object; it is
    /// taken now only when newer than <paramref name="lanes"/> (the lane's) and than what is posted.
    /// </summary>
    public void Stored(Pod stored, Pod lanes)
    {
        if (!long.TryParse(stored.Metadata.ResourceVersion, out var storedVersion))
        {
            return;
        }
        while (true)
        {
            var posted = Volatile.Read(ref _pod);
            if (!IsNewer(storedVersion, posted ?? lanes))
            {
                return;
            }
            if (Interlocked.CompareExchange(ref _pod, stored, posted) == posted)
            {
                return;
            }
        }
    }

    /// <summary>The pod object no longer exists in the API.</summary>
    public void Gone()
    {
        Volatile.Write(ref _deletionSeen, 1);
        Volatile.Write(ref _gone, 1);
    }

    /// <summary>The newest of <paramref name="lanes"/> and what is posted, for a status write that must not conflict needlessly.</summary>
    public Pod Newest(Pod lanes)
    {
        var posted = Volatile.Read(ref _pod);
        return posted is not null && long.TryParse(posted.Metadata.ResourceVersion, out var version) && IsNewer(version, lanes) ? posted : lanes;
    }

    /// <summary>The lane takes what was posted since it last looked: the newest pod (null: none) and whether the object is gone.</summary>
    public (Pod? Pod, bool Gone) Take() =>
        (Interlocked.Exchange(ref _pod, null), Interlocked.Exchange(ref _gone, 0) != 0);

    private static bool IsNewer(long version, Pod than) =>
        !long.TryParse(than.Metadata.ResourceVersion, out var current) || version > current;
}
