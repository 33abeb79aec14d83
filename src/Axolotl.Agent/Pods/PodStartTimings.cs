using Axolotl.Agent.Metrics;
using Axolotl.Agent.Status;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Pods;

/// <summary>
/// What the healing and pod start histograms need from a pod's lane: when a container's exit was
/// observed (or its probe failure crossed the threshold) until its replacement runs, and when this
/// agent first saw the pod until all its containers run. Only the lane calls it.
/// </summary>
public sealed class PodStartTimings
{
    private readonly TimeProvider _time;
    private readonly HealingMetrics? _healing;
    private readonly KubeletMetrics? _kubelet;

    /// <summary>Per container, the instance a failed liveness or startup probe had killed and when the failure crossed its threshold.</summary>
    private readonly Dictionary<string, (string ContainerId, DateTimeOffset FailedAt)> _probeFailures = new(StringComparer.Ordinal);

    /// <summary>Per container waiting for its replacement: since when, and whether a probe kill (not a crash) started it.</summary>
    private readonly Dictionary<string, (bool Probe, DateTimeOffset Since)> _healingSince = new(StringComparer.Ordinal);

    private readonly DateTimeOffset _seenAt;
    private bool _podStartRecorded;
    private DateTimeOffset? _firstPullStarted;
    private DateTimeOffset? _lastPullFinished;
    private DateTimeOffset? _initStarted;
    private DateTimeOffset? _initFinished;

    /// <summary>A pod already running before this worker (an agent restart) has no start to measure.</summary>
    public PodStartTimings(TimeProvider time, HealingMetrics? healing, KubeletMetrics? kubelet, Pod pod)
    {
        _time = time;
        _healing = healing;
        _kubelet = kubelet;
        _seenAt = time.GetUtcNow();
        _podStartRecorded = pod.Status?.ContainerStatuses?.Any(s => s.State?.Running is not null) == true;
    }

    public void ProbeKilled(string name, string containerId, DateTimeOffset failedAt) => _probeFailures[name] = (containerId, failedAt);

    /// <summary>An instance ended and will come back: the clock of its replacement starts at the exit, or at the probe failure that caused it.</summary>
    public void Exited(string name, ContainerTermination termination, DateTimeOffset finishedAt)
    {
        if (_probeFailures.Remove(name, out var failure) && failure.ContainerId == termination.ContainerId)
        {
            _healingSince[name] = (true, failure.FailedAt);
            return;
        }
        _healingSince[name] = (false, finishedAt);
    }

    /// <summary>The instance that replaces an exited one runs since <paramref name="startedAt"/>: one observation, in the histogram of what ended the previous one.</summary>
    public void Restarted(string name, DateTimeOffset startedAt)
    {
        if (_healing is not { } healing || !_healingSince.Remove(name, out var since))
        {
            return;
        }
        var elapsed = startedAt - since.Since;
        if (since.Probe)
        {
            healing.ProbeRestarted(elapsed);
        }
        else
        {
            healing.ContainerRestarted(elapsed);
        }
    }

    public void Pulled(DateTimeOffset started, DateTimeOffset finished)
    {
        _firstPullStarted ??= started;
        _lastPullFinished = finished;
    }

    public void InitStarted() => _initStarted ??= _time.GetUtcNow();

    /// <summary>
    /// Once all app containers run for the first time: kubelet_pod_start_duration_seconds from this
    /// agent's first sight of the pod, and the SLI from its creation less the image pulls' span and
    /// the init containers' run, as upstream's pod startup latency tracker counts it.
    /// </summary>
    public void Synced(Pod pod, bool initDone, bool allAppContainersRun)
    {
        var spec = pod.Spec ?? new PodSpec();
        if (initDone && _initStarted is not null)
        {
            _initFinished ??= _time.GetUtcNow();
        }
        if (_podStartRecorded || !initDone || spec.Containers.Count == 0 || !allAppContainersRun)
        {
            return;
        }
        _podStartRecorded = true;
        if (_kubelet is not { } kubelet)
        {
            return;
        }
        var now = _time.GetUtcNow();
        kubelet.PodStarted(now - _seenAt);
        if (pod.Metadata.CreationTimestamp is { } created)
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
