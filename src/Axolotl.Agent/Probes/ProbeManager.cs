using System.Collections.Concurrent;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Agent.Status;
using Axolotl.Api.Annotations;
using Axolotl.Api.Core;
using Axolotl.Client.Events;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Probes;

/// <summary>Runs one probe once: the probers' entry point, a delegate so tests can script results.</summary>
public delegate Task<ProbeResult> RunProbe(Probe probe, ProbeTarget target, TimeSpan timeout, CancellationToken ct);

/// <summary>
/// The node's prober, shaped like the kubelet's prober manager: one <see cref="ProbeWorker"/> per
/// probe of each running container, results kept per container instance, and the pod's lane
/// triggered only when something its status shows changes (readiness, started) or a liveness or
/// startup failure asks for a kill. Readers (the pod worker) never wait on a probe.
/// </summary>
public sealed class ProbeManager : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string PodUid, string Container), ContainerProbes> _containers = new();
    private readonly ConcurrentDictionary<string, Pod> _pods = new(StringComparer.Ordinal);
    private readonly RunProbe _run;
    private readonly EventRecorder _events;
    private readonly Action<string> _trigger;
    private readonly ConcurrentDictionary<ProbeKey, (string Message, TimeSpan At)> _lastEvent = new();
    private readonly long _origin;
    private readonly IDisposable? _prober;

    /// <summary>
    /// The same failure of the same probe becomes an event at most this often: a 100 ms probe would
    /// otherwise write ten events a second (client-go rate-limits events per object for the same reason).
    /// </summary>
    public static readonly TimeSpan EventInterval = TimeSpan.FromSeconds(1);

    /// <param name="prober">What <paramref name="run"/> belongs to, disposed with the manager.</param>
    public ProbeManager(RunProbe run, EventRecorder events, TimeProvider time, ILogger log, Action<string> trigger, IDisposable? prober = null)
    {
        _prober = prober;
        _run = run;
        _events = events;
        Time = time;
        Log = log;
        _trigger = trigger;
        _origin = time.GetTimestamp();
    }

    internal TimeProvider Time { get; }

    /// <summary>Told the moment a readiness probe fails, before the pod's lane writes the status (ADR 0003).</summary>
    public ReadinessReports Readiness { get; init; } = ReadinessReports.None;

    internal ILogger Log { get; }

    /// <summary>Monotonic time since the manager started: the clock probe schedules are laid on.</summary>
    internal TimeSpan Elapsed => Time.GetElapsedTime(_origin);

    /// <summary>How many probe workers run (all pods).</summary>
    public int WorkerCount => _containers.Values.Sum(c => c.Workers.Count(w => !w.Completion.IsCompleted));

    /// <summary>
    /// A container instance started: replaces the probes of its previous instance with fresh ones
    /// (readiness starts failed, liveness passing, startup not yet passed).
    /// </summary>
    public void ContainerStarted(Pod pod, Container container, ContainerHandle handle, string? podIp, ProbeSeed seed = default)
    {
        var uid = handle.PodUid;
        _pods[uid] = pod;
        ContainerStopped(uid, container.Name);
        var probes = new ContainerProbes(handle, container.StartupProbe is not null, container.ReadinessProbe is not null, seed);
        var target = new ProbeTarget(podIp, container, handle);
        var annotations = pod.Metadata.Annotations;
        // The first tick counts from the container's start, as initialDelaySeconds does upstream.
        var sinceStart = Time.GetUtcNow() - handle.StartedAt;
        var startedAt = Elapsed - (sinceStart > TimeSpan.Zero ? sinceStart : TimeSpan.Zero);
        foreach (var (kind, probe) in new[]
                 {
                     (ProbeKind.Startup, container.StartupProbe),
                     (ProbeKind.Liveness, container.LivenessProbe),
                     (ProbeKind.Readiness, container.ReadinessProbe),
                 })
        {
            if (probe is null)
            {
                continue;
            }
            var timing = ProbeTiming.Of(probe, ProbeTimingAnnotation.For(annotations, container.Name, kind.ToString().ToLowerInvariant()));
            var worker = new ProbeWorker(new ProbeKey(uid, container.Name, kind), probe, timing, target, probes, this);
            probes.Workers.Add(worker);
        }
        _containers[(uid, container.Name)] = probes;
        foreach (var worker in probes.Workers)
        {
            worker.Start(startedAt + worker.Timing.InitialDelay);
        }
    }

    /// <summary>The container exited or is being stopped: its probes stop and it reads not ready at once.</summary>
    public void ContainerStopped(string podUid, string container)
    {
        if (_containers.TryRemove((podUid, container), out var probes))
        {
            probes.MarkStopped();
            probes.Stop.Cancel();
            // Disposed once its workers have seen the cancellation.
            _ = Task.WhenAll(probes.Workers.Select(w => w.Completion)).ContinueWith(_ => probes.Dispose(), TaskScheduler.Default);
        }
    }

    /// <summary>The pod is terminating or gone: every probe stops.</summary>
    public void RemovePod(string podUid)
    {
        foreach (var key in _containers.Keys.Where(k => k.PodUid == podUid).ToList())
        {
            ContainerStopped(key.PodUid, key.Container);
        }
        _pods.TryRemove(podUid, out _);
        foreach (var key in _lastEvent.Keys.Where(k => k.PodUid == podUid).ToList())
        {
            _lastEvent.TryRemove(key, out _);
        }
    }

    /// <summary>What status shows for a running container: started (startup probe passed) and ready.</summary>
    public (bool Started, bool Ready) StateOf(string podUid, string container, string containerId)
    {
        if (_containers.TryGetValue((podUid, container), out var probes) && probes.Handle.Id == containerId)
        {
            return (probes.Started, probes.Ready);
        }
        // No probes (or none yet registered for this instance): running means started and ready.
        return (true, true);
    }

    /// <summary>
    /// The probe (liveness or startup) whose failure means this instance must be killed, handed out
    /// once; the container stops being probed from then on.
    /// </summary>
    public ProbeKind? TakeKill(string podUid, string container, string containerId) => TakeKill(podUid, container, containerId, out _);

    /// <summary>As <see cref="TakeKill(string, string, string)"/>, with when the failure crossed its threshold.</summary>
    public ProbeKind? TakeKill(string podUid, string container, string containerId, out DateTimeOffset failedAt)
    {
        failedAt = default;
        return _containers.TryGetValue((podUid, container), out var probes) && probes.Handle.Id == containerId ? probes.TakeKill(out failedAt) : null;
    }

    /// <summary>Runs a probe-shaped check once outside any schedule (lifecycle hooks use it).</summary>
    public Task<ProbeResult> RunOnceAsync(Probe probe, ProbeTarget target, TimeSpan timeout, CancellationToken ct) => _run(probe, target, timeout, ct);

    internal Task<ProbeResult> RunProbeAsync(Probe probe, ProbeTarget target, TimeSpan timeout, CancellationToken ct) => _run(probe, target, timeout, ct);

    /// <summary>Every failed (or warned) regular attempt is an event, as the kubelet records them; the recorder aggregates repeats.</summary>
    internal void ReportOutcome(ProbeKey key, ProbeTarget target, ProbeResult result)
    {
        if (result.Outcome == ProbeOutcome.Success || !_pods.TryGetValue(key.PodUid, out var pod))
        {
            return;
        }
        var now = Elapsed;
        if (_lastEvent.TryGetValue(key, out var last) && last.Message == result.Output && now - last.At < EventInterval)
        {
            return;
        }
        _lastEvent[key] = (result.Output, now);
        // A sidecar's probe events name it under spec.initContainers, as the kubelet's do.
        var fieldPath = EventRecorder.ContainerFieldPath(target.Container.Name, init: pod.Spec?.InitContainers?.Any(c => c.Name == target.Container.Name) == true);
        if (result.Outcome == ProbeOutcome.Failure)
        {
            _events.Record(pod, EventRecorder.Warning, "Unhealthy", $"{key.KindName} probe failed: {result.Output}", fieldPath);
        }
        else
        {
            _events.Record(pod, EventRecorder.Warning, "ProbeWarning", $"{key.KindName} probe warning: {result.Output}", fieldPath);
        }
    }

    internal void Publish(ProbeKey key, ContainerProbes probes, bool success, string? podIp)
    {
        if (probes.Publish(key.Kind, success, Time.GetUtcNow()))
        {
            if (key.Kind == ProbeKind.Readiness && !success)
            {
                // One unready container makes the pod unready: no need to wait for the lane to say so.
                Readiness.Tell(key.PodUid, podIp, ready: false);
            }
            _trigger(key.PodUid);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var all = _containers.Values.ToList();
        _containers.Clear();
        foreach (var probes in all)
        {
            probes.MarkStopped();
            await probes.Stop.CancelAsync();
        }
        await Task.WhenAll(all.SelectMany(p => p.Workers).Select(w => w.Completion));
        foreach (var probes in all)
        {
            probes.Dispose();
        }
        _prober?.Dispose();
    }
}
