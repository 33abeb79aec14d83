namespace Axolotl.Runtime;

/// <summary>What a pod's sandbox needs: identity, hostname (the pod name) and its DNS settings (dnsPolicy, dnsConfig).</summary>
public sealed record PodSandboxSpec(string PodUid, string Namespace, string Name, string Hostname, string? DnsPolicy = null, Api.Core.PodDNSConfig? DnsConfig = null)
{
    /// <summary>hostNetwork: no network namespace of its own; the pod's address is the node's.</summary>
    public bool HostNetwork { get; init; }

    /// <summary>spec.subdomain: the pod's hosts file then names it &lt;hostname&gt;.&lt;subdomain&gt;.&lt;namespace&gt;.svc.&lt;domain&gt; too, as the kubelet does (StatefulSet pods).</summary>
    public string? Subdomain { get; init; }

    /// <summary>spec.hostAliases: appended to the pod's hosts file under the kubelet's comment line.</summary>
    public IReadOnlyList<Api.Core.HostAlias> HostAliases { get; init; } = [];

    /// <summary>spec.setHostnameAsFQDN: the container's hostname (uname -n) is the pod's FQDN; its hosts file stays as without.</summary>
    public bool SetHostnameAsFqdn { get; init; }

    /// <summary>The kernel hostname of the pod's containers: the FQDN with setHostnameAsFQDN (at most 64 characters, as the kubelet checks), else the hostname.</summary>
    public string UtsHostname()
    {
        if (!SetHostnameAsFqdn)
        {
            return Hostname;
        }

        var fqdn = string.IsNullOrEmpty(Subdomain) ? Hostname : $"{Hostname}.{Subdomain}.{Namespace}.svc.{Network.PodNetwork.ClusterDomain}";
        return fqdn.Length <= 64 ? fqdn
            : throw new InvalidOperationException($"failed to construct FQDN from pod hostname and cluster domain, FQDN {fqdn} is too long (64 characters is the max, {fqdn.Length} characters requested)");
    }

    /// <summary>spec.shareProcessNamespace: the sandbox holds one pid namespace every container of the pod joins.</summary>
    public bool ShareProcessNamespace { get; init; }
}

/// <summary>A created sandbox: its id, the pod IP (null in host-network fallback) and the network namespace name.</summary>
public sealed record PodSandbox(string Id, string PodUid, string? Ip, string? NetworkNamespace);

/// <summary>
/// One container to run. Command is the full argv (the image config's entrypoint and cmd with the
/// pod's command and args applied). Limits are absent when unset. LogPath receives stdout and stderr.
/// </summary>
public sealed record ContainerSpec(
    string PodUid,
    string Name,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    string? WorkingDirectory,
    string LogPath,
    long? MemoryLimitBytes = null,
    long? CpuLimitMillicores = null,
    long? CpuRequestMillicores = null,
    int PidsMax = 1024)
{
    /// <summary>Volumes to bind into the container, parents before children.</summary>
    public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];

    /// <summary>The image's root filesystem; null runs the container on the node's own root (a private /tmp only).</summary>
    public ContainerRootfs? Rootfs { get; init; }

    /// <summary>Who the container's processes run as; null keeps root.</summary>
    public ContainerUser? User { get; init; }

    /// <summary>The securityContext to apply (capabilities, no_new_privs, read-only root, host namespaces, sysctls); null: containerd's defaults.</summary>
    public Security.ContainerSecurity? Security { get; init; }

    /// <summary>The compiled seccomp filter the container and its exec's run under; null runs them unconfined.</summary>
    public Seccomp.SeccompProgram? Seccomp { get; init; }

    /// <summary>
    /// The container's stdin, stdinOnce and tty: a stdin the runtime holds open for attach sessions
    /// (closed after the first with stdinOnce), or a terminal. All false: stdin is /dev/null.
    /// </summary>
    public ContainerStdio Stdio { get; init; } = ContainerStdio.None;

    /// <summary>
    /// Another container of the pod whose pid namespace this one joins instead of having its own
    /// (an ephemeral container's targetContainerName); null: a pid namespace of its own.
    /// </summary>
    public string? PidNamespaceOf { get; init; }

    /// <summary>
    /// The attempt after this one (its own log and writable layer), for a runtime that prepares it
    /// while this one runs (<see cref="IContainerRuntime.PrepareStandbyAsync"/>); null when the
    /// container will not restart. Not part of what this attempt runs.
    /// </summary>
    public ContainerSpec? NextAttempt { get; init; }

    /// <summary>
    /// The agent's restart decision for this attempt, asked by the runtime the moment it exits (with
    /// the attempt's start time): true starts the prepared <see cref="NextAttempt"/> then, before the
    /// agent has heard of the exit; its start with that spec then takes the running attempt. Null:
    /// every restart goes through the agent. Not part of what this attempt runs.
    /// </summary>
    public Func<DateTimeOffset, ContainerExit, bool>? RestartsAtOnce { get; init; }

    /// <summary>
    /// Lets this attempt's own launcher start its prepared next attempt on its exit, with no hop through
    /// the agent (<see cref="ArmedRestart"/>). Null: the agent says go. Not part of what this attempt runs.
    /// </summary>
    public ArmedRestart? ArmsNext { get; init; }
}

/// <summary>
/// How an attempt's exit may start the next one by itself: <paramref name="OnAnyExit"/> for restartPolicy
/// Always (else only a non-zero code restarts, as under OnFailure), and <paramref name="Now"/>, asked when
/// the next attempt's standby is prepared: whether the agent, as things stand, would restart the
/// container at once when it exits so (its first restart; later ones back off). The agent disarms a
/// standby before it stops a container itself, and adopts one that went (docs/adr/0002).
/// </summary>
public sealed record ArmedRestart(bool OnAnyExit, Func<bool> Now);

/// <summary>
/// A container's own root: an overlay of the image's unpacked layers (<paramref name="Lowers"/>, top-most
/// first, as overlayfs' lowerdir lists them) and the container's writable layer (<paramref name="Upper"/>
/// with its overlay <paramref name="Work"/> directory on the same filesystem), mounted on the empty
/// directory <paramref name="Mountpoint"/> inside the container's mount namespace only.
/// </summary>
public sealed record ContainerRootfs(IReadOnlyList<string> Lowers, string Upper, string Work, string Mountpoint);

/// <summary>The uid, gid and supplementary groups (runAsUser, runAsGroup, supplementalGroups and the image's user).</summary>
public sealed record ContainerUser(long Uid, long Gid, IReadOnlyList<long> SupplementaryGroups)
{
    /// <summary>The launcher's "--user" value: UID:GID[:G1,G2,...].</summary>
    public string ToArgument() =>
        SupplementaryGroups.Count == 0
            ? FormattableString.Invariant($"{Uid}:{Gid}")
            : FormattableString.Invariant($"{Uid}:{Gid}:") + string.Join(',', SupplementaryGroups.Select(g => g.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>A node path (a volume's directory or a file in it, a hostPath) bound at a path inside the container.</summary>
public sealed record ContainerMount(string Source, string Target, bool ReadOnly)
{
    /// <summary>mountPropagation HostToContainer: what the node mounts below Source later shows in the container (rslave); otherwise private.</summary>
    public bool HostToContainer { get; init; }
}

/// <summary>A container's stdin, stdinOnce and tty fields, as the runtime sets its stdio up.</summary>
public sealed record ContainerStdio(bool Stdin, bool StdinOnce, bool Tty)
{
    public static ContainerStdio None { get; } = new(false, false, false);

    public static ContainerStdio For(Api.Core.Container container) =>
        new(container.Stdin == true, container.Stdin == true && container.StdinOnce == true, container.Tty == true);
}

/// <summary>
/// One attach session to a running container's own process: its stdin (null: not attached), where
/// its output goes (null: not wanted; a terminal's output is all stdout) and the terminal sizes
/// the client sends. Ends when the container's output ends or the client's stdin does (attach.h).
/// </summary>
public sealed record AttachSpec(Stream? Stdin, Stream? Stdout, Stream? Stderr, System.Threading.Channels.ChannelReader<TerminalSize>? Resize);

/// <summary>A terminal's size in characters, as kubectl sends it on the resize channel.</summary>
public readonly record struct TerminalSize(ushort Width, ushort Height);

/// <summary>A running (or finished) container: what the agent persists to re-attach after a restart.</summary>
public sealed record ContainerHandle(string Id, string PodUid, string Name, int Pid, DateTimeOffset StartedAt, string LogPath);

/// <summary>How a container ended. OomKilled comes from the cgroup's oom_kill counter, not from exit code 137.</summary>
public sealed record ContainerExit(int ExitCode, int? Signal, bool OomKilled, DateTimeOffset FinishedAt);

/// <param name="Prompt">
/// A probe's command: it runs at a higher CPU priority (nice <see cref="PromptNice"/>) within its
/// container, so that a busy container cannot hold back the verdict on its own health.
/// </param>
/// <param name="Resize">With <c>Tty</c>: the client's window sizes, applied to the exec's terminal as they come (sizes already waiting before the start apply before the command runs).</param>
public sealed record ExecSpec(IReadOnlyList<string> Command, bool Tty, Stream? Stdin, Stream Stdout, Stream? Stderr, bool Prompt = false,
    System.Threading.Channels.ChannelReader<TerminalSize>? Resize = null)
{
    public const int PromptNice = -10;
}

public sealed record ExecResult(int ExitCode);

public sealed record ContainerStats(long MemoryWorkingSetBytes, long CpuUsageNanoseconds, long ThrottledPeriods, long ThrottledNanoseconds);

/// <summary>The container could not start: missing executable (exit 127), bad working directory, limits too small.</summary>
public sealed class ContainerStartException(string message, int exitCode = 128) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
