using Axolotl.Agent.Eviction;
using Axolotl.Agent.Node;
using Axolotl.Agent.Pods.Security;
using Axolotl.Agent.Status;
using Axolotl.Agent.Volumes;
using Axolotl.Api.Core;
using Axolotl.Client.Events;
using Axolotl.Images;
using Axolotl.Images.Distribution;
using Axolotl.Runtime;
using Axolotl.Runtime.Security;
using Axolotl.Runtime.Seccomp;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>
/// Makes one attempt of a container ready to run: its image (pull, credentials, back-off), then its
/// spec (environment, mounts, security context, seccomp, log and root) and the standby of the attempt
/// after it, then the runtime's start. The pod's lane calls it step by step and keeps the pod's own
/// bookkeeping (observed state, restart decisions, live table), so a restart awaits nothing more than
/// the steps themselves. Only the lane calls it.
/// </summary>
internal sealed class ContainerStarter(ContainerStartContext ctx, string uid, PodStartTimings timings, Action<DateTimeOffset> schedule)
{
    public const string NoCommand = "no command specified";
    private const string ImagePullBackOff = "ImagePullBackOff";
    private static readonly Lazy<long> MemoryCapacity = new(() => NodeFacts.ReadMeminfo().GetValueOrDefault("MemTotal"));

    private readonly Dictionary<string, DateTimeOffset> _pullErrorShownUntil = new(StringComparer.Ordinal);
    /// <summary>Per container, the attempt a standby was prepared for (see <see cref="IContainerRuntime.PrepareStandbyAsync"/>).</summary>
    private readonly Dictionary<string, int> _standbys = new(StringComparer.Ordinal);

    /// <summary>The runtime prepares each restart beside the start before it.</summary>
    public bool PreparesStandbys => ctx.Runtime.PreparesStandbys;

    private DateTimeOffset Now => ctx.Time.GetUtcNow();

    /// <summary>
    /// After a failed pull, until its back-off runs out: ErrImagePull stays shown a moment, then
    /// ImagePullBackOff, and the registry is not asked again. False once the next pull may go ahead.
    /// </summary>
    public bool ShowPullBackOff(Pod pod, ObservedContainer seen, string image, string pullKey, string fieldPath)
    {
        if (seen.WaitingReason is not (ImageResolution.ErrImagePull or ImagePullBackOff))
        {
            return false;
        }
        if (seen.WaitingReason == ImageResolution.ErrImagePull && _pullErrorShownUntil.TryGetValue(seen.Name, out var until) && until > Now)
        {
            // Other syncs (our own status write, for one) must not hide ErrImagePull at once.
            schedule(until);
            return true;
        }
        if (!ctx.PullBackoff.IsInBackoff(pullKey, out var remaining))
        {
            return false;
        }
        seen.WaitingReason = ImagePullBackOff;
        seen.WaitingMessage = ImagePullMessages.BackOffWaiting(image, ctx.PullBackoff.LastError(pullKey));
        ctx.Events.Record(pod, EventRecorder.Normal, "BackOff", ImagePullMessages.BackOff(image), fieldPath);
        ctx.Events.Record(pod, EventRecorder.Warning, "Failed", ImagePullMessages.Error(ImagePullBackOff), fieldPath);
        schedule(Now + remaining);
        return true;
    }

    /// <summary>When the image's ensure began, for the pull's duration.</summary>
    public PullStart PullStarting() => new(Now, ctx.Time.GetTimestamp());

    /// <summary>The image present on the node, pulled with the pod's imagePullSecrets if need be.</summary>
    public Task<ImageEnsureResult> EnsureImageAsync(Pod pod, Container container, string fieldPath, CancellationToken ct)
    {
        var image = container.Image ?? "";
        return ctx.Images.EnsureAsync(image, container.ImagePullPolicy, c => PullCredentialsAsync(pod, fieldPath, c),
            () => ctx.Events.Record(pod, EventRecorder.Normal, "Pulling", ImagePullMessages.Pulling(image), fieldPath), ct);
    }

    /// <summary>
    /// Records what the ensure did (metrics, Pulled event, back-off) and returns the image to run, or
    /// null with the container's waiting reason set after a failed pull.
    /// </summary>
    public ResolvedImage? ImageEnsured(Pod pod, Container container, ObservedContainer seen, ImageEnsureResult ensured, PullStart started, string pullKey, string fieldPath)
    {
        var resolution = ensured.Resolution;
        if (ensured.Pull is { } pulled)
        {
            timings.Pulled(started.At, Now);
            ctx.Kubelet?.Operation("pull_image", pulled.Elapsed, failed: false);
        }
        else if (resolution.Reason == ImageResolution.ErrImagePull)
        {
            ctx.Kubelet?.Operation("pull_image", ctx.Time.GetElapsedTime(started.Timestamp), failed: true);
        }
        StartTrace.Mark("pod-image-ensured", pod.Metadata.Name, uid);
        if (resolution.Image is not { } resolved)
        {
            HandlePullFailure(pod, seen, resolution, pullKey, fieldPath);
            return null;
        }
        ctx.PullBackoff.RecordSuccess(pullKey);
        var image = container.Image ?? "";
        if (ensured.Pull is { } pull)
        {
            ctx.Events.Record(pod, EventRecorder.Normal, "Pulled", ImagePullMessages.Pulled(image, pull.Elapsed, pull.IncludingWaiting, pull.SizeBytes), fieldPath);
        }
        else
        {
            ctx.Events.Record(pod, EventRecorder.Normal, "Pulled", ImagePullMessages.AlreadyPresent(image), fieldPath);
        }
        return resolved;
    }

    private void HandlePullFailure(Pod pod, ObservedContainer seen, ImageResolution resolution, string pullKey, string fieldPath)
    {
        var image = resolution.RequestedImage;
        if (resolution.Reason == ImageResolution.InvalidImageName)
        {
            seen.WaitingReason = ImageResolution.InvalidImageName;
            seen.WaitingMessage = resolution.Message;
            ctx.Events.Record(pod, EventRecorder.Warning, "InspectFailed", resolution.Message ?? "", fieldPath);
            ctx.Events.Record(pod, EventRecorder.Warning, "Failed", ImagePullMessages.Error(ImageResolution.InvalidImageName), fieldPath);
            return;
        }
        if (resolution.Reason == ImageEnsureResult.ErrImageNeverPull)
        {
            // The kubelet looks again at every sync: an image imported meanwhile is used.
            seen.WaitingReason = ImageEnsureResult.ErrImageNeverPull;
            seen.WaitingMessage = resolution.Message;
            ctx.Events.Record(pod, EventRecorder.Warning, ImageEnsureResult.ErrImageNeverPull, resolution.Message ?? "", fieldPath);
            ctx.Events.Record(pod, EventRecorder.Warning, "Failed", ImagePullMessages.Error(ImageEnsureResult.ErrImageNeverPull), fieldPath);
            schedule(Now + ctx.ConfigErrorRetry);
            return;
        }
        if (resolution.Reason == ImageEnsureResult.CreateContainerError)
        {
            // As a creation that fails: the kubelet's next syncs try again, no pull back-off.
            seen.WaitingReason = ImageEnsureResult.CreateContainerError;
            seen.WaitingMessage = resolution.Message;
            ctx.Events.Record(pod, EventRecorder.Warning, "Failed", $"Error: {resolution.Message}", fieldPath);
            schedule(Now + ctx.ConfigErrorRetry);
            return;
        }
        var backoff = ctx.PullBackoff.RecordFailure(pullKey, ImagePullMessages.LastPullError(ImageResolution.ErrImagePull, resolution.Message));
        seen.WaitingReason = ImageResolution.ErrImagePull;
        seen.WaitingMessage = resolution.Message;
        ctx.Events.Record(pod, EventRecorder.Warning, "Failed", ImagePullMessages.FailedToPull(image, resolution.Message ?? ""), fieldPath);
        ctx.Events.Record(pod, EventRecorder.Warning, "Failed", ImagePullMessages.Error(ImageResolution.ErrImagePull), fieldPath);
        // Sync again soon to show ImagePullBackOff while the back-off runs, as the kubelet's next sync does.
        var soon = TimeSpan.FromSeconds(1) < backoff ? TimeSpan.FromSeconds(1) : backoff;
        _pullErrorShownUntil[seen.Name] = Now + soon;
        schedule(Now + soon);
    }

    /// <summary>
    /// The registry credentials of the pod's imagePullSecrets. A secret that cannot be read is named
    /// in a warning, as the kubelet does, and the pull goes ahead without it.
    /// </summary>
    private async Task<IReadOnlyList<RegistryCredential>> PullCredentialsAsync(Pod pod, string fieldPath, CancellationToken ct)
    {
        var credentials = new List<RegistryCredential>();
        var missing = new List<string>();
        foreach (var reference in pod.Spec?.ImagePullSecrets ?? [])
        {
            var secret = string.IsNullOrEmpty(reference.Name) ? null : await ctx.ConfigSource.GetSecretAsync(pod.Metadata.Namespace ?? "default", reference.Name, ct);
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
            ctx.Events.Record(pod, EventRecorder.Warning, "FailedToRetrieveImagePullSecret",
                $"Unable to retrieve some image pull secrets ({string.Join(", ", missing)}); attempting to pull the image may not succeed.", fieldPath);
        }
        return credentials;
    }

    /// <summary>
    /// The attempt's spec. A configuration the container cannot start with leaves it waiting
    /// (CreateContainerError or CreateContainerConfigError, a Failed event, a sync after
    /// ConfigErrorRetry): neither a spec nor a refusal then. A seccomp profile runc would refuse at
    /// the task's creation is a start that fails (<see cref="AttemptSpec.Refused"/>).
    /// </summary>
    public async Task<AttemptSpec> BuildSpecAsync(Pod pod, Container container, ObservedContainer seen, ResolvedImage image, int instance,
        IReadOnlyDictionary<string, MountedVolume> volumes, string fieldPath, CancellationToken ct)
    {
        var root = _standbys.Remove(container.Name, out var prepared) && prepared == instance ? AttemptRoot.Reuse : AttemptRoot.Fresh;
        try
        {
            return new AttemptSpec(await SpecOfAsync(pod, container, image, instance, root, volumes, ct), null);
        }
        catch (SeccompProfileException ex) when (ex.AtStart)
        {
            // runc refuses the profile when the task is created: the container is created, its start fails.
            ctx.Runtime.AbandonRestart(uid, container.Name);
            return new AttemptSpec(null, new ContainerStartException(ex.Message, 128));
        }
        catch (Exception ex) when (ex is ContainerConfigException or ImageUserException or SeccompProfileException)
        {
            var reason = ex.Message == NoCommand || ex is ImageUserException or SeccompProfileException ? "CreateContainerError" : "CreateContainerConfigError";
            seen.WaitingReason = reason;
            seen.WaitingMessage = ex.Message;
            ctx.Events.Record(pod, EventRecorder.Warning, "Failed", $"Error: {ex.Message}", fieldPath);
            ctx.Runtime.AbandonRestart(uid, container.Name);
            schedule(Now + ctx.ConfigErrorRetry);
            return default;
        }
    }

    private async Task<ContainerSpec> SpecOfAsync(Pod pod, Container container, ResolvedImage image, int instance, AttemptRoot root,
        IReadOnlyDictionary<string, MountedVolume> volumes, CancellationToken ct)
    {
        var env = new Dictionary<string, string>(image.Environment, StringComparer.Ordinal);
        foreach (var (key, value) in await ctx.Env.ResolveAsync(pod, container, ct))
        {
            env[key] = value;
        }
        var command = container.Command?.Select(c => EnvResolver.Expand(c, env)).ToList();
        var args = container.Args?.Select(a => EnvResolver.Expand(a, env)).ToList();
        var argv = image.BuildArgv(command, args);
        if (argv.Count == 0)
        {
            throw new ContainerConfigException(NoCommand);
        }
        // Before anything is made for the attempt: containerd reads the profile when it creates the container.
        var seccomp = ctx.Seccomp.Resolve(pod.Spec ?? new PodSpec(), container, LinuxCapabilities.NamesFor(container.SecurityContext));
        var logPath = ctx.Logs.InstanceLog(uid, container.Name, instance);
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        if (root != AttemptRoot.Standby)
        {
            // A standby's attempt has not started: the running one's previous log is still the previous.
            ctx.Logs.PruneBefore(uid, container.Name, instance);
        }
        var limits = container.Resources?.Limits;
        var requests = container.Resources?.Requests;
        var mounts = container.VolumeMounts is { Count: > 0 } && ctx.Runtime.MountsVolumes ? ContainerMounts.For(container, volumes, env) : [];
        if (TerminationMount(container, image, logPath) is { } termination)
        {
            mounts = [.. mounts, termination];
        }
        // The user first (runAsNonRoot, an image without it): a failure comes before any directory is made.
        var (user, security) = SecurityFor(pod, container, image);
        var rootfs = image.Root is { } layers ? ContainerAttempts.Prepare(ctx.Logs.ContainerDirectory(uid, container.Name), instance, layers, root) : null;
        return new ContainerSpec(
            uid,
            container.Name,
            argv,
            env,
            string.IsNullOrEmpty(container.WorkingDir) ? image.WorkingDirectory : container.WorkingDir,
            logPath,
            MemoryLimitBytes: limits is not null && limits.TryGetValue("memory", out var mem) ? mem.Value() : null,
            CpuLimitMillicores: limits is not null && limits.TryGetValue("cpu", out var cpu) ? cpu.MilliValue() : null,
            CpuRequestMillicores: requests is not null && requests.TryGetValue("cpu", out var cpuRequest) ? cpuRequest.MilliValue() : null)
        {
            Mounts = mounts,
            Rootfs = rootfs,
            User = user is null ? null : new Runtime.ContainerUser(user.Uid, user.Gid, user.SupplementaryGroups),
            Security = security,
            Seccomp = seccomp,
            Stdio = ContainerStdio.For(container),
            // A shared namespace is the whole pod's: an ephemeral container's target changes nothing then.
            PidNamespaceOf = pod.Spec?.ShareProcessNamespace == true ? ProcessRuntime.PodInitName
                : (container as EphemeralContainer)?.TargetContainerName is { Length: > 0 } target ? target : null,
        };
    }

    /// <summary>
    /// The runtime prepares the next attempt beside this one's start (a standby), so that even a crash
    /// within milliseconds is answered without a process start or a root's set-up. <paramref name="restartsAtOnce"/>:
    /// the container may also be restarted by the runtime itself at its exit (<see cref="ImmediateRestartGate"/>).
    /// A standby that cannot be made leaves the spec as it was: the restart starts as usual then.
    /// </summary>
    public ContainerSpec WithStandby(Pod pod, Container container, ContainerSpec spec, ResolvedImage image, int instance, out bool restartsAtOnce)
    {
        restartsAtOnce = false;
        try
        {
            spec = spec with { NextAttempt = NextAttemptOf(pod, spec, container.Name, image, instance + 1) };
            _standbys[container.Name] = instance + 1;
            restartsAtOnce = ImmediateRestartGate.Applies(container, ctx.Images.StartsWithoutRegistry(container.Image ?? "", container.ImagePullPolicy));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (ctx.Log.IsEnabled(LogLevel.Debug))
            {
                ctx.Log.LogDebug(ex, "preparing the next attempt of {Container} in pod {Uid} failed", container.Name, uid);
            }
        }
        return spec;
    }

    /// <summary>
    /// The attempt after <paramref name="spec"/>: the same launch with its own log and writable layer.
    /// Should the pod's environment change before it runs, the restart's spec differs and the runtime
    /// discards it.
    /// </summary>
    private ContainerSpec NextAttemptOf(Pod pod, ContainerSpec spec, string name, ResolvedImage image, int instance)
    {
        var logPath = ctx.Logs.InstanceLog(uid, name, instance);
        var rootfs = image.Root is { } layers ? ContainerAttempts.Prepare(ctx.Logs.ContainerDirectory(uid, name), instance, layers, AttemptRoot.Standby) : null;
        var container = pod.Spec?.AllContainers().FirstOrDefault(c => c.Name == name);
        var mounts = spec.Mounts;
        if (container is not null && TerminationMount(container, image, logPath) is { } termination)
        {
            mounts = [.. mounts.Where(m => m.Target != termination.Target || !m.Source.EndsWith(".termination-log", StringComparison.Ordinal)), termination];
        }

        return spec with { LogPath = logPath, Rootfs = rootfs, Mounts = mounts, NextAttempt = null, RestartsAtOnce = null };
    }

    /// <summary>
    /// terminationMessagePath: the attempt's own file bound there. Only on a root of the image's own
    /// (an image without layers runs on the node's root, whose /dev the launcher does not shadow) and
    /// with a runtime that binds volumes; FallbackToLogsOnError works without it.
    /// </summary>
    private ContainerMount? TerminationMount(Container container, ResolvedImage image, string logPath) =>
        string.IsNullOrEmpty(container.TerminationMessagePath) || image.Root is null || !ctx.Runtime.MountsVolumes
            ? null
            : new ContainerMount(TerminationMessage.Prepare(logPath), container.TerminationMessagePath, false);

    /// <summary>
    /// The container's user (runAsNonRoot checked first: a ContainerConfigException is the kubelet's
    /// CreateContainerConfigError) and what the runtime applies: capabilities, privileged,
    /// no_new_privs, the read-only root, the pod's host namespaces and sysctls.
    /// </summary>
    private static (ImageUser? User, ContainerSecurity Security) SecurityFor(Pod pod, Container container, ResolvedImage image)
    {
        var context = EffectiveSecurityContext.For(pod, container);
        var user = image.Root is { } root ? ContainerIdentity.Resolve(pod, container, context, root) : null;
        var spec = pod.Spec;
        var security = new ContainerSecurity
        {
            AddCapabilities = context.AddCapabilities,
            DropCapabilities = context.DropCapabilities,
            Privileged = context.Privileged,
            NoNewPrivileges = context.AllowPrivilegeEscalation == false,
            ReadOnlyRootFilesystem = context.ReadOnlyRootFilesystem,
            HostPid = spec?.HostPID == true,
            HostIpc = spec?.HostIPC == true,
            HostNetwork = spec?.HostNetwork == true,
            Sysctls = [.. (spec?.SecurityContext?.Sysctls ?? []).Select(s => KeyValuePair.Create(s.Name, s.Value))],
        };
        return (user, security);
    }

    /// <summary>Runs the attempt in the pod's sandbox.</summary>
    public Task<ContainerHandle> StartAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct) => ctx.Runtime.StartAsync(sandbox, spec, ct);

    /// <summary>The container's processes get the kubelet's oom_score_adj for its QoS class (the agent's own -999 is inherited otherwise).</summary>
    public void ApplyOomScore(Pod pod, Container container, ContainerHandle handle)
    {
        if (ctx.PodsCgroup is null || handle.Pid <= 0)
        {
            return;
        }
        var score = OomScore.ForContainer(pod, container, MemoryCapacity.Value);
        if (OomScore.ApplyToTree(handle.Pid, score) == 0 && ctx.Log.IsEnabled(LogLevel.Debug))
        {
            ctx.Log.LogDebug("could not set oom_score_adj {Score} for container {Container} of pod {Uid}", score, container.Name, uid);
        }
    }
}

/// <summary>When an image's ensure began: the wall time for the pod's start timings, the timestamp for the operation's duration.</summary>
internal readonly record struct PullStart(DateTimeOffset At, long Timestamp);

/// <summary>An attempt's spec, or the start failure it must report instead; neither when the container waits on a configuration error.</summary>
internal readonly record struct AttemptSpec(ContainerSpec? Spec, ContainerStartException? Refused);
