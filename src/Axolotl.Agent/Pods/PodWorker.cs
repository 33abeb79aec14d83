using Axolotl.Agent.Recovery;
using Axolotl.Agent.Restart;
using Axolotl.Agent.Status;
using Axolotl.Agent.Volumes;
using Axolotl.Api.Core;
using Axolotl.Client.Events;
using Axolotl.Images;
using Axolotl.Images.Distribution;
using Axolotl.Runtime;
using Axolotl.Runtime.Seccomp;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>
/// Drives one pod through its <see cref="PodLifecycle"/> (Syncing → Terminating → Terminated →
/// Finished). Every call of <see cref="SyncAsync"/> runs in the pod's lane, so the state here is only
/// touched by one thread at a time: watch events and status write outcomes are posted to the
/// <see cref="PodInbox"/>, container exits to <see cref="ContainerExits"/>, and they, eviction orders
/// and back-off timers only trigger the lane.
/// </summary>
public sealed partial class PodWorker
{
    private readonly PodAgentContext _ctx;
    private readonly Action<string> _trigger;
    private readonly ContainerExits _exits;
    private readonly LiveContainers _live = new();
    private readonly Dictionary<string, RestartDecision> _decisions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _pullErrorShownUntil = new(StringComparer.Ordinal);
    /// <summary>Per container, the attempt a standby was prepared for (see <see cref="IContainerRuntime.PrepareStandbyAsync"/>).</summary>
    private readonly Dictionary<string, int> _standbys = new(StringComparer.Ordinal);
    /// <summary>Per running container, the decision the runtime may act on at its exit (<see cref="ImmediateRestartGate"/>).</summary>
    private readonly Dictionary<string, ImmediateRestartGate> _gates = new(StringComparer.Ordinal);
    private readonly Lock _timerLock = new();
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _timer;
    private DateTimeOffset? _due;
    private readonly PodStartTimings _timings;
    private PodSandbox? _sandbox;
    private bool _restored;

    public PodWorker(PodAgentContext ctx, string uid, Pod pod, Action<string> trigger)
    {
        _ctx = ctx;
        Uid = uid;
        Latest = pod;
        _trigger = trigger;
        Observed = new ObservedPod();
        _exits = new ContainerExits(ctx.Runtime, ctx.Log, uid, trigger, _stop.Token);
        Lifecycle = new PodLifecycle(Observed);
        _timings = new PodStartTimings(ctx.Time, ctx.Healing, ctx.Kubelet, pod);
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

        var status = PodStatusComputer.Compute(Latest, Observed, Latest.Status, Now, ProbeViews());
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

    private async Task StartContainerAsync(Container container, ObservedContainer seen, bool init, CancellationToken ct)
    {
        var ephemeral = container is EphemeralContainer;
        var fieldPath = ephemeral ? EphemeralFieldPath(container.Name) : EventRecorder.ContainerFieldPath(container.Name, init);
        var image = container.Image ?? "";
        var pullKey = ImagePullBackoff.Key(Uid, image);
        if (seen.WaitingReason is ImageResolution.ErrImagePull or ImagePullBackOff && ShowPullBackOff(seen, image, pullKey, fieldPath))
        {
            _ctx.Runtime.AbandonRestart(Uid, container.Name);
            return;
        }

        var ensureStarted = Now;
        var ensureTimestamp = _ctx.Time.GetTimestamp();
        var ensured = await _ctx.Images.EnsureAsync(image, container.ImagePullPolicy, c => PullCredentialsAsync(fieldPath, c),
            () => _ctx.Events.Record(Latest, EventRecorder.Normal, "Pulling", ImagePullMessages.Pulling(image), fieldPath), ct);
        var resolution = ensured.Resolution;
        if (ensured.Pull is { } pulled)
        {
            _timings.Pulled(ensureStarted, Now);
            _ctx.Kubelet?.Operation("pull_image", pulled.Elapsed, failed: false);
        }
        else if (resolution.Reason == ImageResolution.ErrImagePull)
        {
            _ctx.Kubelet?.Operation("pull_image", _ctx.Time.GetElapsedTime(ensureTimestamp), failed: true);
        }
        StartTrace.Mark("pod-image-ensured", Latest.Metadata.Name, Uid);
        if (resolution.Image is not { } resolved)
        {
            _ctx.Runtime.AbandonRestart(Uid, container.Name);
            HandlePullFailure(seen, resolution, pullKey, fieldPath);
            return;
        }
        _ctx.PullBackoff.RecordSuccess(pullKey);
        if (ensured.Pull is { } pull)
        {
            _ctx.Events.Record(Latest, EventRecorder.Normal, "Pulled", ImagePullMessages.Pulled(image, pull.Elapsed, pull.IncludingWaiting, pull.SizeBytes), fieldPath);
        }
        else
        {
            _ctx.Events.Record(Latest, EventRecorder.Normal, "Pulled", ImagePullMessages.AlreadyPresent(image), fieldPath);
        }

        ContainerSpec? spec = null;
        ContainerStartException? refusedProfile = null;
        var restart = seen.ContainerId is not null;
        var instance = restart ? seen.RestartCount + 1 : seen.RestartCount;
        var root = _standbys.Remove(container.Name, out var prepared) && prepared == instance ? AttemptRoot.Reuse : AttemptRoot.Fresh;
        try
        {
            spec = await BuildSpecAsync(container, resolved, instance, root, ct);
        }
        catch (SeccompProfileException ex) when (ex.AtStart)
        {
            // runc refuses the profile when the task is created: the container is created, its start fails.
            refusedProfile = new ContainerStartException(ex.Message, 128);
            _ctx.Runtime.AbandonRestart(Uid, container.Name);
        }
        catch (Exception ex) when (ex is ContainerConfigException or ImageUserException or SeccompProfileException)
        {
            var reason = ex.Message == NoCommand || ex is ImageUserException or SeccompProfileException ? "CreateContainerError" : "CreateContainerConfigError";
            seen.WaitingReason = reason;
            seen.WaitingMessage = ex.Message;
            _ctx.Events.Record(Latest, EventRecorder.Warning, "Failed", $"Error: {ex.Message}", fieldPath);
            _ctx.Runtime.AbandonRestart(Uid, container.Name);
            Schedule(Now + _ctx.Options.ConfigErrorRetry);
            return;
        }

        StartTrace.Mark("pod-spec-built", Latest.Metadata.Name, Uid);
        ImmediateRestartGate? gate = null;
        if (spec is not null && !init && !ephemeral && RestartPolicy != RestartPolicies.Never && _ctx.Runtime.PreparesStandbys)
        {
            // The runtime prepares the next attempt beside this one's start (a standby), so that even
            // a crash within milliseconds is answered without a process start or a root's set-up.
            try
            {
                spec = spec with { NextAttempt = NextAttemptOf(spec, container.Name, resolved, instance + 1) };
                _standbys[container.Name] = instance + 1;
                if (ImmediateRestartGate.Applies(container, _ctx.Images.StartsWithoutRegistry(image, container.ImagePullPolicy)))
                {
                    gate = new ImmediateRestartGate(_ctx.Restarts, Uid, container.Name, RestartPolicy,
                        () => !Inbox.DeletionSeen && !Lifecycle.ObjectGone && Latest.Metadata.DeletionTimestamp is null && Observed.FailureReason is null);
                    spec = spec with { RestartsAtOnce = gate.RestartsAtOnce, ArmsNext = gate.Armed() };
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The restart starts as usual then.
                if (_ctx.Log.IsEnabled(LogLevel.Debug))
                {
                    _ctx.Log.LogDebug(ex, "preparing the next attempt of {Container} in pod {Uid} failed", container.Name, Uid);
                }
            }
        }
        _ctx.Events.Record(Latest, EventRecorder.Normal, "Created", $"Created container {container.Name}", fieldPath);
        seen.ImageId = resolved.ImageId;
        seen.StartedImage = image;
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
            var handle = await _ctx.Runtime.StartAsync(_sandbox!, spec ?? throw refusedProfile!, ct);
            seen.ContainerId = handle.Id;
            seen.RunningSince = handle.StartedAt;
            seen.WaitingReason = null;
            seen.WaitingMessage = null;
            _live.Set(container.Name, handle, seen.RestartCount);
            _timings.Restarted(container.Name, handle.StartedAt);
            ApplyOomScore(container, handle);
            SaveCheckpoint();
            _exits.Watch(container.Name, handle);
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

    private const string ImagePullBackOff = "ImagePullBackOff";

    /// <summary>
    /// After a failed pull, until its back-off runs out: ErrImagePull stays shown a moment, then
    /// ImagePullBackOff, and the registry is not asked again. False once the next pull may go ahead.
    /// </summary>
    private bool ShowPullBackOff(ObservedContainer seen, string image, string pullKey, string fieldPath)
    {
        if (seen.WaitingReason == ImageResolution.ErrImagePull && _pullErrorShownUntil.TryGetValue(seen.Name, out var until) && until > Now)
        {
            // Other syncs (our own status write, for one) must not hide ErrImagePull at once.
            Schedule(until);
            return true;
        }
        if (!_ctx.PullBackoff.IsInBackoff(pullKey, out var remaining))
        {
            return false;
        }
        seen.WaitingReason = ImagePullBackOff;
        seen.WaitingMessage = ImagePullMessages.BackOff(image);
        _ctx.Events.Record(Latest, EventRecorder.Normal, "BackOff", ImagePullMessages.BackOff(image), fieldPath);
        _ctx.Events.Record(Latest, EventRecorder.Warning, "Failed", ImagePullMessages.Error(ImagePullBackOff), fieldPath);
        Schedule(Now + remaining);
        return true;
    }

    private void HandlePullFailure(ObservedContainer seen, ImageResolution resolution, string pullKey, string fieldPath)
    {
        var image = resolution.RequestedImage;
        if (resolution.Reason == ImageResolution.InvalidImageName)
        {
            seen.WaitingReason = ImageResolution.InvalidImageName;
            seen.WaitingMessage = resolution.Message;
            _ctx.Events.Record(Latest, EventRecorder.Warning, "InspectFailed", resolution.Message ?? "", fieldPath);
            _ctx.Events.Record(Latest, EventRecorder.Warning, "Failed", ImagePullMessages.Error(ImageResolution.InvalidImageName), fieldPath);
            return;
        }
        if (resolution.Reason == ImageEnsureResult.ErrImageNeverPull)
        {
            // The kubelet looks again at every sync: an image imported meanwhile is used.
            seen.WaitingReason = ImageEnsureResult.ErrImageNeverPull;
            seen.WaitingMessage = resolution.Message;
            _ctx.Events.Record(Latest, EventRecorder.Warning, ImageEnsureResult.ErrImageNeverPull, resolution.Message ?? "", fieldPath);
            _ctx.Events.Record(Latest, EventRecorder.Warning, "Failed", ImagePullMessages.Error(ImageEnsureResult.ErrImageNeverPull), fieldPath);
            Schedule(Now + _ctx.Options.ConfigErrorRetry);
            return;
        }
        var backoff = _ctx.PullBackoff.RecordFailure(pullKey);
        seen.WaitingReason = ImageResolution.ErrImagePull;
        seen.WaitingMessage = resolution.Message;
        _ctx.Events.Record(Latest, EventRecorder.Warning, "Failed", ImagePullMessages.FailedToPull(image, resolution.Message ?? ""), fieldPath);
        _ctx.Events.Record(Latest, EventRecorder.Warning, "Failed", ImagePullMessages.Error(ImageResolution.ErrImagePull), fieldPath);
        // Sync again soon to show ImagePullBackOff while the back-off runs, as the kubelet's next sync does.
        var soon = TimeSpan.FromSeconds(1) < backoff ? TimeSpan.FromSeconds(1) : backoff;
        _pullErrorShownUntil[seen.Name] = Now + soon;
        Schedule(Now + soon);
    }

    /// <summary>
    /// The registry credentials of the pod's imagePullSecrets. A secret that cannot be read is named
    /// in a warning, as the kubelet does, and the pull goes ahead without it.
    /// </summary>
    private async Task<IReadOnlyList<RegistryCredential>> PullCredentialsAsync(string fieldPath, CancellationToken ct)
    {
        var credentials = new List<RegistryCredential>();
        var missing = new List<string>();
        foreach (var reference in Latest.Spec?.ImagePullSecrets ?? [])
        {
            var secret = string.IsNullOrEmpty(reference.Name) ? null : await _ctx.ConfigSource.GetSecretAsync(Latest.Metadata.Namespace ?? "default", reference.Name, ct);
            var parsed = secret is null ? null : DockerConfigCredentials.FromSecret(secret.Type, secret.Data);
            if (parsed is null)
            {
                missing.Add(reference.Name ?? "");
                continue;
            }
            credentials.AddRange(parsed);
        }
        if (missing.Count > 0)
        {
            _ctx.Events.Record(Latest, EventRecorder.Warning, "FailedToRetrieveImagePullSecret",
                $"Unable to retrieve some image pull secrets ({string.Join(", ", missing)}); attempting to pull the image may not succeed.", fieldPath);
        }
        return credentials;
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

    /// <summary>
    /// Hands the pod's current status to the background writer. The lane waits for the write only
    /// when <paramref name="wait"/> (before deleting the pod object, before SIGTERM for zero-drop).
    /// </summary>
    private async Task WriteStatusAsync(CancellationToken ct, bool wait = false)
    {
        if (Lifecycle.ObjectGone)
        {
            TellReadiness(ready: false);
            return;
        }
        var written = SubmitStatus();
        if (wait)
        {
            await written.WaitAsync(ct);
        }
    }

    /// <summary>Computes the pod's status now, tells the node's proxy its readiness and queues the write; the task is the write's.</summary>
    private Task SubmitStatus(bool keep = false)
    {
        var status = PodStatusComputer.Compute(Latest, Observed, Latest.Status, Now, ProbeViews());
        TellReadiness(Latest.Metadata.DeletionTimestamp is null && !Lifecycle.IsTerminated &&
            status.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True");
        return _ctx.StatusWriter.Submit(Uid, () => Inbox.Newest(Latest), status, OnStatusStored, OnPodGone, keep);
    }

    /// <summary>Tells the node's proxy a change of readiness at once, ahead of the status write (ADR 0003).</summary>
    private void TellReadiness(bool ready) =>
        _ctx.Readiness.Tell(Uid, Observed.PodIp, ready, failure: !Lifecycle.ObjectGone && Latest.Metadata.DeletionTimestamp is null && !Lifecycle.IsTerminated);

    /// <summary>On the status writer's thread: posts the stored pod for the lane, which takes it at its next sync.</summary>
    private void OnStatusStored(Pod stored)
    {
        if (StartTrace.FilePath is not null)
        {
            StartTrace.Mark("pod-status-stored-" + stored.Status?.Phase, stored.Metadata.Name, Uid);
        }
        Inbox.Stored(stored, Latest);
    }

    /// <summary>On the status writer's thread: the pod is gone; the lane learns it from its inbox.</summary>
    private void OnPodGone()
    {
        Inbox.Gone();
        _trigger(Uid);
    }

    private void SaveCheckpoint()
    {
        var containers = Observed.InitContainers.Values.Select(c => (c, true)).Concat(Observed.Containers.Values.Select(c => (c, false)))
            .Concat(Observed.EphemeralContainers.Values.Select(c => (c, false)))
            .Select(pair => new ContainerCheckpoint
            {
                Name = pair.c.Name,
                Init = pair.Item2,
                RestartCount = pair.c.RestartCount,
                Handle = _live.GetValueOrDefault(pair.c.Name),
                ContainerId = pair.c.ContainerId,
                ImageId = pair.c.ImageId,
                StartedImage = pair.c.StartedImage,
                Terminated = pair.c.Terminated,
                LastTermination = pair.c.LastTermination,
            })
            .ToList();
        _ctx.Checkpoints.Save(new PodCheckpoint { PodUid = Uid, Sandbox = _sandbox, StartTime = Observed.StartTime, Containers = containers });
    }
}
