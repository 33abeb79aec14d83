using Axolotl.Agent.Restart;
using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Client.Events;
using Axolotl.Runtime;

namespace Axolotl.Agent.Pods;

/// <summary>
/// Decides, in the pod's lane, what happens next to one pod: which containers start, restart or stop,
/// and where it is in its <see cref="PodLifecycle"/> (Syncing → Terminating → Terminated → Finished).
/// The steps are its collaborators' (<see cref="ContainerStarter"/>, <see cref="PodTermination"/>,
/// <see cref="LifecycleHooks"/>); the pod's state stays here, and the lane is its only writer: every
/// call of <see cref="SyncAsync"/> runs in the lane; watch events and status write outcomes are posted
/// to the <see cref="PodInbox"/>, container exits to <see cref="ContainerExits"/>, and they, eviction
/// orders and back-off timers only trigger the lane. Other threads read only what the lane publishes:
/// <see cref="Live"/>, <see cref="Sandbox"/>, <see cref="Lifecycle"/>, <see cref="Latest"/>.
/// </summary>
public sealed partial class PodWorker
{
    private readonly PodWorkerContext _ctx;
    private readonly Action<string> _trigger;
    private readonly ContainerExits _exits;
    private readonly LiveContainers _live = new();
    private readonly Dictionary<string, RestartDecision> _decisions = new(StringComparer.Ordinal);
    /// <summary>Per running container, the decision the runtime may act on at its exit (<see cref="ImmediateRestartGate"/>).</summary>
    private readonly Dictionary<string, ImmediateRestartGate> _gates = new(StringComparer.Ordinal);
    private readonly Lock _timerLock = new();
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _timer;
    private DateTimeOffset? _due;
    private readonly PodStartTimings _timings;
    private readonly ContainerStarter _starter;
    private readonly PodVolumes _volumes;
    private PodSandbox? _sandbox;
    private bool _policyCovered;
    private bool _restored;
    /// <summary>Set with the pod's failure reason; published for the runtime's thread (<see cref="ImmediateRestartGate"/>).</summary>
    private bool _failed;

    public PodWorker(PodWorkerContext ctx, string uid, Pod pod, Action<string> trigger)
    {
        _ctx = ctx;
        Uid = uid;
        Latest = pod;
        _trigger = trigger;
        Observed = new ObservedPod();
        _exits = new ContainerExits(ctx.Runtime, ctx.Log, uid, trigger, _stop.Token, ctx.Readiness) { HeldListeners = ctx.HeldListeners };
        Lifecycle = new PodLifecycle(Observed);
        _timings = new PodStartTimings(ctx.Time, ctx.Healing, ctx.Kubelet, pod);
        Action<DateTimeOffset> schedule = Schedule;
        _starter = new ContainerStarter(ctx.Start, uid, _timings, schedule);
        _volumes = new PodVolumes(ctx.Volumes, schedule);
    }

    public string Uid { get; }

    /// <summary>The newest pod object the lane has taken (from the watch or a status write, through <see cref="Inbox"/>).</summary>
    public Pod Latest { get; private set; }

    /// <summary>Where the pod manager and the status writer post what they learn of the pod; the lane takes it.</summary>
    public PodInbox Inbox { get; } = new();

    /// <summary>What the lane has seen of the pod's containers; only the lane reads or writes it.</summary>
    private ObservedPod Observed { get; }

    /// <summary>Syncing, Terminating, Terminated or Finished, and whether the pod object is gone; only the lane changes it.</summary>
    public PodLifecycle Lifecycle { get; }

    /// <summary>Handles of the running containers (for exec, logs follow and rotation): the lane's latest published copy.</summary>
    public IReadOnlyDictionary<string, ContainerHandle> Live => _live.Published.Handles;

    /// <summary>The running containers' handles and restart counts, as one copy (port-forward).</summary>
    public LiveSnapshot LiveSnapshot => _live.Published;

    /// <summary>The pod's sandbox once created (port-forward dials inside its network namespace); the lane publishes each change.</summary>
    public PodSandbox? Sandbox => Volatile.Read(ref _sandbox);

    private string RestartPolicy => Latest.Spec?.RestartPolicy ?? RestartPolicies.Always;

    private DateTimeOffset Now => _ctx.Time.GetUtcNow();

    public async Task SyncAsync(CancellationToken ct)
    {
        if (Lifecycle.IsFinished)
        {
            return;
        }
        TakeInbox();
        if (!_restored)
        {
            await RestoreAsync(ct);
            _restored = true;
        }
        DrainExits();
        if (Lifecycle.ObjectGone || Latest.Metadata.DeletionTimestamp is not null)
        {
            _ctx.Probes.RemovePod(Uid);
            await TerminateAsync(ct);
            return;
        }
        if (await EnforceEvictionAsync(ct) || Lifecycle.IsTerminated || await RejectAtAdmissionAsync(ct) || await RejectForbiddenSysctlsAsync(ct))
        {
            return;
        }
        Observed.StartTime ??= Now;
        Observed.HostIp = _ctx.HostIp;
        var firstSync = _sandbox is null;
        if (firstSync)
        {
            StartTrace.Mark("pod-sync-first", Latest.Metadata.Name, Uid);
        }
        if (!await EnsureSandboxAndVolumesAsync(ct))
        {
            await WriteStatusAsync(ct);
            return;
        }
        if (firstSync)
        {
            StartTrace.Mark("pod-sandbox-and-volumes", Latest.Metadata.Name, Uid);
        }

        if (await EnforceActiveDeadlineAsync(ct))
        {
            return;
        }
        KillFailedProbes();
        RestartChangedContainers();
        var spec = Latest.Spec ?? new PodSpec();
        var initDone = await SyncInitContainersAsync(spec, ct);
        if (initDone)
        {
            foreach (var container in spec.Containers)
            {
                var seen = Get(container.Name, init: false);
                if (!seen.IsRunning && MayStart(container.Name, seen))
                {
                    await StartContainerAsync(container, seen, init: false, ct);
                }
            }
        }

        _timings.Synced(Latest, initDone, spec.Containers.All(c => _live.ContainsKey(c.Name)));
        await StartEphemeralContainersAsync(spec, ct);
        await StopSidecarsWhenDoneAsync(spec, initDone, ct);

        var status = PodStatusComputer.Compute(Latest, Observed, Latest.Status, Now, ProbeViews(), _ownStatus);
        if (status.Phase is "Succeeded" or "Failed" && _live.Count == 0)
        {
            // Nothing will run again: the pod is done; release its sandbox as the kubelet does.
            Lifecycle.Terminated();
            await RemoveSandboxAsync(ct);
        }
        SaveCheckpoint();
        await WriteStatusAsync(ct);
    }

    /// <summary>Applies what other threads posted: the newest pod object, the object's removal.</summary>
    private void TakeInbox()
    {
        var (pod, gone) = Inbox.Take();
        if (pod is not null)
        {
            Latest = pod;
        }
        if (gone)
        {
            Lifecycle.ObjectDeleted();
        }
    }

    /// <summary>The agent fails the whole pod (eviction, activeDeadlineSeconds, a rejection): status.reason and message.</summary>
    private void FailPod(string reason, string message)
    {
        Observed.FailureReason = reason;
        Observed.FailureMessage = message;
        Volatile.Write(ref _failed, true);
    }

    /// <summary>Whether a non-running container should be (re)started now; sets its waiting reason and timer when not.</summary>
    private bool MayStart(string name, ObservedContainer seen)
    {
        if (!_decisions.TryGetValue(name, out var decision))
        {
            return seen.Terminated is null;
        }
        if (decision.Action == RestartAction.DoNotRestart)
        {
            _ctx.Runtime.AbandonRestart(Uid, name);
            return false;
        }
        if (decision.Action == RestartAction.RestartAfterBackoff && decision.RestartAt is { } at && at > Now)
        {
            _ctx.Runtime.AbandonRestart(Uid, name);
            Schedule(at);
            return false;
        }
        return true;
    }

    private ObservedContainer Get(string name, bool init)
    {
        // Names are unique across all of a pod's containers, so an ephemeral one is known by its name.
        var map = init ? Observed.InitContainers : IsEphemeral(name) ? Observed.EphemeralContainers : Observed.Containers;
        if (!map.TryGetValue(name, out var seen))
        {
            seen = new ObservedContainer { Name = name };
            map[name] = seen;
        }
        return seen;
    }

    /// <summary>
    /// Starts one attempt of the container through the <see cref="ContainerStarter"/>'s steps and keeps
    /// the lane's side: the observed state, the restart decision and gate, the live table, the exit
    /// watch, postStart and probes; a start that fails is an exit like any other.
    /// </summary>
    private async Task StartContainerAsync(Container container, ObservedContainer seen, bool init, CancellationToken ct)
    {
        var ephemeral = container is EphemeralContainer;
        var fieldPath = ephemeral ? EphemeralFieldPath(container.Name) : EventRecorder.ContainerFieldPath(container.Name, init);
        var pullKey = ImagePullBackoff.Key(Uid, container.Image ?? "");
        if (_starter.ShowPullBackOff(Latest, seen, container.Image ?? "", pullKey, fieldPath))
        {
            _ctx.Runtime.AbandonRestart(Uid, container.Name);
            return;
        }

        var pullStart = _starter.PullStarting();
        var ensured = await _starter.EnsureImageAsync(Latest, container, fieldPath, ct);
        if (_starter.ImageEnsured(Latest, container, seen, ensured, pullStart, pullKey, fieldPath) is not { } resolved)
        {
            _ctx.Runtime.AbandonRestart(Uid, container.Name);
            return;
        }

        var restart = seen.ContainerId is not null;
        var instance = restart ? seen.RestartCount + 1 : seen.RestartCount;
        var (spec, refused) = await _starter.BuildSpecAsync(Latest, container, seen, resolved, instance, _volumes.Mounted, fieldPath, ct);
        if (spec is null && refused is null)
        {
            return;
        }

        StartTrace.Mark("pod-spec-built", Latest.Metadata.Name, Uid);
        ImmediateRestartGate? gate = null;
        if (spec is not null && !init && !ephemeral && RestartPolicy != RestartPolicies.Never && _starter.PreparesStandbys)
        {
            spec = _starter.WithStandby(Latest, container, spec, resolved, instance, out var restartsAtOnce);
            if (restartsAtOnce)
            {
                gate = new ImmediateRestartGate(_ctx.Restarts, Uid, container.Name, RestartPolicy,
                    () => !Inbox.DeletionSeen && !Lifecycle.ObjectGone && Latest.Metadata.DeletionTimestamp is null && !Volatile.Read(ref _failed));
                // A pod whose listener the node may hold is never armed: its replacement starts only after the node's go,
                // which waits for the duplicate's drain and close (ADR 0030); a launcher's byte would come first.
                spec = spec with { RestartsAtOnce = gate.RestartsAtOnce, ArmsNext = _ctx.HeldListeners?.Holds(Uid) == true ? null : gate.Armed() };
            }
        }
        _ctx.Events.Record(Latest, EventRecorder.Normal, "Created", $"Created container {container.Name}", fieldPath);
        seen.ImageId = resolved.ImageId;
        seen.StartedImage = container.Image ?? "";
        if (restart)
        {
            seen.LastTermination = seen.Terminated ?? seen.LastTermination;
        }
        seen.Terminated = null;
        seen.RestartCount = instance;
        _decisions.Remove(container.Name);
        CloseGate(container.Name);
        if (gate is not null)
        {
            _gates[container.Name] = gate;
        }
        try
        {
            var handle = await _starter.StartAsync(_sandbox!, spec ?? throw refused!, ct);
            seen.ContainerId = handle.Id;
            seen.RunningSince = handle.StartedAt;
            seen.WaitingReason = null;
            seen.WaitingMessage = null;
            _live.Set(container.Name, handle, seen.RestartCount);
            _timings.Restarted(container.Name, handle.StartedAt);
            _starter.ApplyOomScore(Latest, container, handle);
            SaveCheckpoint();
            _exits.Watch(container.Name, handle, (!init || Sidecars.Is(container)) && !ephemeral ? Observed.PodIp : null);
            _ctx.Events.Record(Latest, EventRecorder.Normal, "Started", $"Started container {container.Name}", fieldPath);
            if ((!init || Sidecars.Is(container)) && !ephemeral && await RunPostStartAsync(container, handle, ct))
            {
                StartProbes(container, handle);
            }
        }
        catch (ContainerStartException ex)
        {
            seen.ContainerId ??= $"{Uid}-{container.Name}";
            seen.WaitingReason = null;
            seen.WaitingMessage = null;
            _ctx.Events.Record(Latest, EventRecorder.Warning, "Failed", $"Error: {ex.Message}", fieldPath);
            var now = Now;
            RecordExit(container.Name, init, seen, new ContainerTermination(ex.ExitCode, null, "StartError", ex.Message, null, now, seen.ContainerId), now);
        }
    }

    private void DrainExits()
    {
        foreach (var item in _exits.Take())
        {
            if (!_live.TryGetValue(item.Name, out var handle) || handle.Id != item.Handle.Id)
            {
                continue;
            }
            var init = Observed.InitContainers.ContainsKey(item.Name);
            var seen = Get(item.Name, init);
            var exit = item.Exit;
            var policy = Latest.Spec?.AllContainers().FirstOrDefault(c => c.Name == item.Name)?.TerminationMessagePolicy;
            var termination = item.Termination(policy);
            if (exit.OomKilled)
            {
                // node-problem-detector reports these on the node; on the pod the user sees it in describe.
                var limit = Latest.Spec?.AllContainers().FirstOrDefault(c => c.Name == item.Name)?.Resources?.Limits?.GetValueOrDefault("memory");
                _ctx.Events.Record(Latest, EventRecorder.Warning, "OOMKilling",
                    $"Memory cgroup out of memory: the kernel killed a process of container {item.Name}" + (limit is null ? "" : $" (memory limit {limit})"),
                    IsEphemeral(item.Name) ? EphemeralFieldPath(item.Name) : EventRecorder.ContainerFieldPath(item.Name, init));
            }
            RecordExit(item.Name, init, seen, termination, exit.FinishedAt);
        }
    }

    /// <summary>A container instance ended (or failed to start): ask the restart tracker what happens next.</summary>
    private void RecordExit(string name, bool init, ObservedContainer seen, ContainerTermination termination, DateTimeOffset finishedAt)
    {
        _live.Remove(name);
        _ctx.Probes.ContainerStopped(Uid, name);
        seen.RunningSince = null;
        seen.Terminated = termination;
        var sidecar = init && Sidecars.IsSidecar(Latest.Spec, name);
        if (Latest.Metadata.DeletionTimestamp is not null || Lifecycle.ObjectGone || Observed.FailureReason is not null || (sidecar && _sidecarsStopping))
        {
            return;
        }
        // As the kubelet's sync between a crash and the restart: the watch sees "0/1 Error" (or
        // OOMKilled) before whatever follows. Queued in the background and kept (not replaced by the
        // restart's status), so the restart does not wait for it and watchers still see it.
        SubmitStatus(keep: true);
        // A sidecar restarts whenever it exits, as an app container under Always.
        var decision = _ctx.Restarts.OnExit(Uid, name, RestartPolicyFor(name, termination), termination.ExitCode, termination.StartedAt ?? finishedAt, finishedAt, init && !sidecar);
        _decisions[name] = decision;
        if (decision.Action != RestartAction.DoNotRestart)
        {
            _timings.Exited(name, termination, finishedAt);
        }
        if (decision.Action == RestartAction.RestartAfterBackoff)
        {
            var meta = Latest.Metadata;
            seen.LastTermination = termination;
            seen.Terminated = null;
            seen.WaitingReason = "CrashLoopBackOff";
            seen.WaitingMessage = RestartTracker.CrashLoopBackOffMessage(decision.Backoff, name, meta.Name ?? "", meta.Namespace ?? "", Uid);
            _ctx.Events.Record(Latest, EventRecorder.Warning, "BackOff", RestartTracker.BackOffEventMessage(name, meta.Name ?? "", meta.Namespace ?? "", Uid), EventRecorder.ContainerFieldPath(name, init));
        }
        SaveCheckpoint();
    }

    private void Schedule(DateTimeOffset at)
    {
        lock (_timerLock)
        {
            if (_due is { } due && due <= at)
            {
                return;
            }
            _due = at;
            var delay = at - Now;
            _timer ??= _ctx.Time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Syncs the pod again after <paramref name="delay"/> (sooner if something else triggers it).</summary>
    public void RetryAfter(TimeSpan delay) => Schedule(Now + delay);

    private void OnTimer()
    {
        lock (_timerLock)
        {
            _due = null;
        }
        _trigger(Uid);
    }
}
