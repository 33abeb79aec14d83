using Axolotl.Agent.Volumes;
using Axolotl.Api.Core;
using Axolotl.Client.Events;

namespace Axolotl.Agent.Pods;

/// <summary>
/// One pod's volumes: set up before its first container, refreshed while it runs. Kept apart from the
/// worker because only the volumes' own schedule (retry, refresh) and the container mounts need them.
/// Only the pod's lane calls it.
/// </summary>
internal sealed class PodVolumes(PodVolumesContext ctx, Action<DateTimeOffset> schedule)
{
    private bool _ready;
    private DateTimeOffset _dueAt;

    /// <summary>The volumes as set up last (by name), for the containers' mounts.</summary>
    public IReadOnlyDictionary<string, MountedVolume> Mounted { get; private set; } = new Dictionary<string, MountedVolume>();

    private DateTimeOffset Now => ctx.Time.GetUtcNow();

    /// <summary>
    /// False while the volumes cannot be set up for the first time: no container starts, the pod
    /// stays ContainerCreating with a FailedMount event, and a sync comes back after VolumeRetry.
    /// Once set up, the content volumes are rewritten every VolumeRefreshInterval (a failure then
    /// keeps what the containers already see, as the kubelet does). <paramref name="containersRun"/>:
    /// containers re-adopted after an agent restart, which already have their volumes.
    /// </summary>
    public async Task<bool> EnsureAsync(Pod pod, bool containersRun, CancellationToken ct)
    {
        if (!PodVolumeManager.HasVolumes(pod))
        {
            return true;
        }
        if (_ready && Now < _dueAt)
        {
            // A timer may fire a little before the clock reaches the due time: keep the refresh armed.
            if (_dueAt != DateTimeOffset.MaxValue)
            {
                schedule(_dueAt);
            }
            return true;
        }
        if (!ctx.Runtime.MountsVolumes)
        {
            WarnUnmounted(pod);
            _ready = true;
            _dueAt = DateTimeOffset.MaxValue;
            return true;
        }
        try
        {
            var previous = Mounted;
            Mounted = await ctx.Manager.SetUpAsync(pod, Mounted, ct);
            FsGroupOwnership.Apply(pod, previous, Mounted);
            _ready = true;
            // Only projected content changes behind the pod's back.
            _dueAt = Mounted.Values.Any(v => v.Projected) ? Now + ctx.VolumeRefreshInterval : DateTimeOffset.MaxValue;
            if (_dueAt != DateTimeOffset.MaxValue)
            {
                schedule(_dueAt);
            }
            return true;
        }
        catch (VolumeMountException e)
        {
            ctx.Events.Record(pod, EventRecorder.Warning, "FailedMount", e.EventMessage);
            _dueAt = Now + (_ready ? ctx.VolumeRefreshInterval : ctx.VolumeRetry);
            schedule(_dueAt);
            // Containers re-adopted after an agent restart already have their volumes: the pod's sync
            // goes on for them (a container that must start again then reports the missing volume).
            return _ready || containersRun;
        }
    }

    /// <summary>
    /// This runtime cannot mount (no mount namespace: plain processes, or the shell chain). Say so
    /// on the pod, where `describe` shows it, rather than let the app find its files missing with
    /// no word why.
    /// </summary>
    private void WarnUnmounted(Pod pod)
    {
        var mounted = (pod.Spec?.AllContainers() ?? []).SelectMany(c => c.VolumeMounts ?? []).Select(m => m.Name).Distinct(StringComparer.Ordinal).ToList();
        if (mounted.Count > 0)
        {
            ctx.Events.Record(pod, EventRecorder.Warning, "VolumesNotMounted",
                $"This node's runtime cannot mount volumes ({ctx.Runtime.Mode}): the containers run without {string.Join(", ", mounted)}");
        }
    }
}
