using Axolotl.Agent.Volumes;
using Axolotl.Api.Core;
using Axolotl.Images;
using Axolotl.Runtime;
using Axolotl.Runtime.Security;

namespace Axolotl.Agent.Pods;

/// <summary>What one attempt of a container runs: its spec, the attempt prepared after it, and who decides its restart.</summary>
public sealed partial class PodWorker
{
    private const string NoCommand = "no command specified";

    private async Task<ContainerSpec> BuildSpecAsync(Container container, ResolvedImage image, int instance, AttemptRoot root, CancellationToken ct)
    {
        var env = new Dictionary<string, string>(image.Environment, StringComparer.Ordinal);
        foreach (var (key, value) in await _ctx.Env.ResolveAsync(Latest, container, ct))
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
        var seccomp = _ctx.Seccomp.Resolve(Latest.Spec ?? new PodSpec(), container, LinuxCapabilities.NamesFor(container.SecurityContext));
        var logPath = _ctx.Logs.InstanceLog(Uid, container.Name, instance);
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        if (root != AttemptRoot.Standby)
        {
            // A standby's attempt has not started: the running one's previous log is still the previous.
            _ctx.Logs.PruneBefore(Uid, container.Name, instance);
        }
        var limits = container.Resources?.Limits;
        var requests = container.Resources?.Requests;
        var mounts = container.VolumeMounts is { Count: > 0 } && _ctx.Runtime.MountsVolumes ? ContainerMounts.For(container, _volumes, env) : [];
        if (TerminationMount(container, image, logPath) is { } termination)
        {
            mounts = [.. mounts, termination];
        }
        // The user first (runAsNonRoot, an image without it): a failure comes before any directory is made.
        var (user, security) = SecurityFor(container, image);
        var rootfs = image.Root is { } layers ? ContainerAttempts.Prepare(_ctx.Logs.ContainerDirectory(Uid, container.Name), instance, layers, root) : null;
        return new ContainerSpec(
            Uid,
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
            PidNamespaceOf = Latest.Spec?.ShareProcessNamespace == true ? ProcessRuntime.PodInitName
                : (container as EphemeralContainer)?.TargetContainerName is { Length: > 0 } target ? target : null,
        };
    }

    /// <summary>
    /// The attempt after <paramref name="spec"/>: the same launch with its own log and writable layer.
    /// Should the pod's environment change before it runs, the restart's spec differs and the runtime
    /// discards it.
    /// </summary>
    private ContainerSpec NextAttemptOf(ContainerSpec spec, string name, ResolvedImage image, int instance)
    {
        var logPath = _ctx.Logs.InstanceLog(Uid, name, instance);
        var rootfs = image.Root is { } layers ? ContainerAttempts.Prepare(_ctx.Logs.ContainerDirectory(Uid, name), instance, layers, AttemptRoot.Standby) : null;
        var container = Latest.Spec?.AllContainers().FirstOrDefault(c => c.Name == name);
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
        string.IsNullOrEmpty(container.TerminationMessagePath) || image.Root is null || !_ctx.Runtime.MountsVolumes
            ? null
            : new ContainerMount(TerminationMessage.Prepare(logPath), container.TerminationMessagePath, false);

    /// <summary>The lane takes the container's next exit into its own hands (it stops it, or starts another attempt).</summary>
    private void CloseGate(string name)
    {
        if (_gates.Remove(name, out var gate))
        {
            gate.Close();
        }
    }
}
