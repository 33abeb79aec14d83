using Axolotl.Agent.Runtime;
using Axolotl.Agent.Status;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Pods;

/// <summary>
/// What the healing and pod start histograms need from the lane: when a container's exit was observed
/// (or its probe failure crossed the threshold) until its replacement runs, and when this agent first saw
/// the pod until all its containers run. Only the lane touches these maps.
/// </summary>
public sealed partial class PodWorker
{
    /// <summary>Per container, the instance a failed liveness or startup probe had killed and when the failure crossed its threshold.</summary>
    private readonly Dictionary<string, (string ContainerId, DateTimeOffset FailedAt)> _probeFailures = new(StringComparer.Ordinal);

    /// <summary>Per container waiting for its replacement: since when, and whether a probe kill (not a crash) started it.</summary>
    private readonly Dictionary<string, (bool Probe, DateTimeOffset Since)> _healingSince = new(StringComparer.Ordinal);

    private DateTimeOffset _seenAt;
    private bool _podStartRecorded;
    private DateTimeOffset? _firstPullStarted;
    private DateTimeOffset? _lastPullFinished;
    private DateTimeOffset? _initStarted;
    private DateTimeOffset? _initFinished;

    /// <summary>Called once from the constructor: a pod already running before this worker (an agent restart) has no start to measure.</summary>
    private void BeginStartTracking(Pod pod)
    {
        _seenAt = _ctx.Time.GetUtcNow();
        _podStartRecorded = pod.Status?.ContainerStatuses?.Any(s => s.State?.Running is not null) == true;
    }

    private void NoteProbeKill(string name, string containerId, DateTimeOffset failedAt) => _probeFailures[name] = (containerId, failedAt);

    /// <summary>An instance ended and will come back: the clock of its replacement starts at the exit, or at the probe failure that caused it.</summary>
    private void NoteExit(string name, ContainerTermination termination, DateTimeOffset finishedAt)
    {
        if (_probeFailures.Remove(name, out var failure) && failure.ContainerId == termination.ContainerId)
        {
            _healingSince[name] = (true, failure.FailedAt);
            return;
        }
        _healingSince[name] = (false, finishedAt);
    }

    /// <summary>The instance that replaces an exited one runs: one observation, in the histogram of what ended the previous one.</summary>
    private void NoteRestarted(string name, ContainerHandle handle)
    {
        if (_ctx.Healing is not { } healing || !_healingSince.Remove(name, out var since))
        {
            return;
        }
        var elapsed = handle.StartedAt - since.Since;
        if (since.Probe)
        {
            healing.ProbeRestarted(elapsed);
        }
        else
        {
            healing.ContainerRestarted(elapsed);
        }
    }

    private void NotePull(DateTimeOffset started, DateTimeOffset finished)
    {
        _firstPullStarted ??= started;
        _lastPullFinished = finished;
    }

    private void NoteInitStarted() => _initStarted ??= Now;

    /// <summary>
    /// Once all app containers run for the first time: kubelet_pod_start_duration_seconds from this
    /// agent's first sight of the pod, and the SLI from its creation less the image pulls' span and
    /// the init containers' run, as upstream's pod startup latency tracker counts it.
    /// </summary>
    private void NotePodStartedIfRunning(PodSpec spec, bool initDone)
    {
        if (initDone && _initStarted is not null)
        {
            _initFinished ??= Now;
        }
        if (_podStartRecorded || !initDone || spec.Containers.Count == 0 || !spec.Containers.All(c => _live.ContainsKey(c.Name)))
        {
            return;
        }
        _podStartRecorded = true;
        if (_ctx.Kubelet is not { } kubelet)
        {
            return;
        }
        var now = Now;
        kubelet.PodStarted(now - _seenAt);
        if (Latest.Metadata.CreationTimestamp is { } created)
        {
            var sli = now - created;
            if (_firstPullStarted is { } pullFrom && _lastPullFinished is { } pullTo)
            {
                sli -= pullTo - pullFrom;
            }
            if (_initStarted is { } initFrom && _initFinished is { } initTo)
            {
                sli -= initTo - initFrom;
            }
            kubelet.PodStartedSli(sli, spec.HostNetwork == true);
        }
    }
}
