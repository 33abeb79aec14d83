using Axolotl.Agent.Volumes;
using Axolotl.Client.Events;

namespace Axolotl.Agent.Pods;

/// <summary>The pod's volumes: set up before its first container, refreshed while it runs.</summary>
public sealed partial class PodWorker
{
    private IReadOnlyDictionary<string, MountedVolume> _volumes = new Dictionary<string, MountedVolume>();
    private bool _volumesReady;
    private DateTimeOffset _volumesDueAt;

    /// <summary>
    /// False while the volumes cannot be set up for the first time: no container starts, the pod
    /// stays ContainerCreating with a FailedMount event, and a sync comes back after VolumeRetry.
    /// Once set up, the content volumes are rewritten every VolumeRefreshInterval (a failure then
    /// keeps what the containers already see, as the kubelet does).
    /// </summary>
    private async Task<bool> EnsureVolumesAsync(CancellationToken ct)
    {
        if (!PodVolumeManager.HasVolumes(Latest))
        {
            return true;
        }
        if (_volumesReady && Now < _volumesDueAt)
        {
            // A timer may fire a little before the clock reaches the due time: keep the refresh armed.
            if (_volumesDueAt != DateTimeOffset.MaxValue)
            {
                Schedule(_volumesDueAt);
            }
            return true;
        }
        if (!_ctx.Runtime.MountsVolumes)
        {
            WarnUnmountedVolumes();
            _volumesReady = true;
            _volumesDueAt = DateTimeOffset.MaxValue;
            return true;
        }
        try
        {
            var previous = _volumes;
            _volumes = await _ctx.Volumes.SetUpAsync(Latest, _volumes, ct);
            FsGroupOwnership.Apply(Latest, previous, _volumes);
            _volumesReady = true;
            // Only projected content changes behind the pod's back.
            _volumesDueAt = _volumes.Values.Any(v => v.Projected) ? Now + _ctx.Options.VolumeRefreshInterval : DateTimeOffset.MaxValue;
            if (_volumesDueAt != DateTimeOffset.MaxValue)
            {
                Schedule(_volumesDueAt);
            }
            return true;
        }
        catch (VolumeMountException e)
        {
            _ctx.Events.Record(Latest, EventRecorder.Warning, "FailedMount", e.EventMessage);
            _volumesDueAt = Now + (_volumesReady ? _ctx.Options.VolumeRefreshInterval : _ctx.Options.VolumeRetry);
            Schedule(_volumesDueAt);
            // Containers re-adopted after an agent restart already have their volumes: the pod's sync
            // goes on for them (a container that must start again then reports the missing volume).
            return _volumesReady || _live.Count > 0;
        }
    }

    /// <summary>
    /// This runtime cannot mount (no mount namespace: plain processes, or the shell chain). Say so
    /// on the pod, where `describe` shows it, rather than let the app find its files missing with
    /// no word why.
    /// </summary>
    private void WarnUnmountedVolumes()
    {
        var mounted = (Latest.Spec?.AllContainers() ?? []).SelectMany(c => c.VolumeMounts ?? []).Select(m => m.Name).Distinct(StringComparer.Ordinal).ToList();
        if (mounted.Count > 0)
        {
            _ctx.Events.Record(Latest, EventRecorder.Warning, "VolumesNotMounted",
                $"This node's runtime cannot mount volumes ({_ctx.Runtime.Mode}): the containers run without {string.Join(", ", mounted)}");
        }
    }
}
