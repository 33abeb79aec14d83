using System.Diagnostics;
using System.Globalization;
using System.Text;
using Axolotl.Runtime.Network;
using Axolotl.Runtime.Network.Dns;

namespace Axolotl.Runtime;

/// <summary>
/// The isolated Linux runtime (root, writable cgroups): per-container cgroups with the limits, one
/// network namespace per pod on the node bridge, and pid/mount/uts/ipc namespaces with a private
/// /tmp, the pod's /etc/hosts, /etc/resolv.conf (cluster DNS on the gateway) and hostname, and an init as PID 1 (the launcher's own, or tini in the shell chain). Containers start through the native
/// launcher (<see cref="NativeLauncher"/>) when it was built, else through the shell chain of
/// <see cref="LaunchScripts"/>; the start-up line says which.
/// </summary>
public sealed partial class ProcessRuntime : ProcessRuntimeCore
{
    private static readonly TimeSpan StartPollInterval = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan EmptyPollInterval = TimeSpan.FromMilliseconds(5);

    private readonly RuntimeTools _tools;
    private readonly PodCidr _cidr;
    private readonly PodNetwork _network;
    private readonly SemaphoreSlim _bridgeLock = new(1, 1);
    private readonly string _enterScript;
    private readonly string _initScript;
    private readonly string _cgroupMoves;
    private bool _bridgeReady;

    public ProcessRuntime(ProcessRuntimeOptions options, RuntimeTools tools)
        : base(options)
    {
        _tools = tools;
        _cidr = new PodCidr(options.PodCidr);
        _network = new PodNetwork(options.BridgeName, _cidr, new Ipam(options.StateDirectory, _cidr), options.StateDirectory, options.PodMtu);
        _enterScript = LaunchScripts.Enter(tools.Nsenter, tools.Unshare);
        _initScript = LaunchScripts.Init(tools.Tini);
        _cgroupMoves = CgroupMoves.Ensure(options.FavorDynamicCgroupMoves);
    }

    public override string Mode =>
        $"isolated: cgroup {(Cgroups.IsPureV2 ? "v2" : "v1 (memory, cpu, cpuacct, pids; unified for kill)")}, devices: {Cgroups.DeviceEnforcement}, under '{Options.CgroupRoot}', " +
        $"namespaces net/pid/mount/uts/ipc, {(_tools.Launcher is null ? "tini" : "axolotl-init")} as PID 1, bridge {Options.BridgeName} {Options.PodCidr}; " +
        (_tools.Launcher is { } launcher
            ? $"launcher: native {launcher} (CRI logs with timestamps, rotated at {Options.LogMaxBytes} bytes)"
            : $"launcher: shell chain (no executable {RuntimeProbe.LauncherFileName} next to the agent, or {RuntimeProbe.LauncherVariable}=shell; logs without timestamps)") +
        $"; {_cgroupMoves}";

    /// <summary>The native launcher binds volumes (volume-mounts.c); the shell chain does not.</summary>
    public override bool MountsVolumes => _tools.Launcher is not null;

    public override async Task<PodSandbox> CreateSandboxAsync(PodSandboxSpec spec, CancellationToken ct)
    {
        if (spec.HostNetwork)
        {
            return await CreateHostNetworkSandboxAsync(spec, ct);
        }

        // Checked before anything is made: a too long FQDN fails the sandbox as the kubelet's does.
        _ = spec.UtsHostname();
        if (spec.ShareProcessNamespace)
        {
            await EnsurePodInitAsync(spec.PodUid, ct);
        }

        await EnsureBridgeAsync(ct);
        var ip = await _network.AddAsync(spec.PodUid, ct);
        _network.WriteHosts(spec.PodUid, ip, spec.Hostname,
            string.IsNullOrEmpty(spec.Subdomain) ? null : $"{spec.Hostname}.{spec.Subdomain}.{spec.Namespace}.svc.{PodNetwork.ClusterDomain}", spec.HostAliases);
        _network.WriteResolvConf(spec.PodUid, ResolvConfText(spec));
        await File.WriteAllTextAsync(Path.Combine(_network.PodDirectory(spec.PodUid), "hostname"), spec.UtsHostname() + "\n", ct);
        return new PodSandbox(spec.PodUid, spec.PodUid, ip, PodNetwork.NamespaceName(spec.PodUid));
    }

    /// <summary>
    /// hostNetwork: no namespace, veth or address of its own (the pod's IP is the node's); the node's
    /// /etc/hosts and hostname, as the kubelet gives such pods; cluster DNS only with
    /// ClusterFirstWithHostNet (ClusterFirst falls back to the node's resolver, as upstream).
    /// </summary>
    private async Task<PodSandbox> CreateHostNetworkSandboxAsync(PodSandboxSpec spec, CancellationToken ct)
    {
        if (spec.ShareProcessNamespace)
        {
            await EnsurePodInitAsync(spec.PodUid, ct);
        }

        var dir = _network.PodDirectory(spec.PodUid);
        Directory.CreateDirectory(dir);
        var nodeHosts = File.Exists("/etc/hosts") ? await File.ReadAllTextAsync("/etc/hosts", ct) : "127.0.0.1\tlocalhost\n";
        await File.WriteAllTextAsync(Path.Combine(dir, "hosts"), "# Kubernetes-managed hosts file (host network).\n" + nodeHosts + PodNetwork.HostAliasEntries(spec.HostAliases), ct);
        _network.WriteResolvConf(spec.PodUid, ResolvConfText(spec));
        await File.WriteAllTextAsync(Path.Combine(dir, "hostname"), System.Net.Dns.GetHostName() + "\n", ct);
        return new PodSandbox(spec.PodUid, spec.PodUid, null, null);
    }

    /// <summary>
    /// The pod's resolv.conf as the kubelet decides it (dnsPolicy, dnsConfig, the node's --resolv-conf);
    /// every pod gets one. An empty decision (Default with --resolv-conf "") gets the host's
    /// /etc/resolv.conf, as containerd copies it when the DNS config it is given is empty.
    /// </summary>
    private string ResolvConfText(PodSandboxSpec spec)
    {
        var text = PodResolvConf.Format(PodResolvConf.Decide(spec.DnsPolicy, spec.HostNetwork, spec.DnsConfig, spec.Namespace, _cidr.Gateway, PodNetwork.ClusterDomain, Options.NodeResolvConf));
        return text.Length > 0 || !File.Exists(ResolvConf.DefaultPath) ? text : File.ReadAllText(ResolvConf.DefaultPath);
    }

    public override async Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken ct)
    {
        await DiscardStandbysAsync(sandbox.PodUid);
        await SettleRestartedAsync(sandbox.PodUid);
        foreach (var container in ContainersOf(sandbox.PodUid).ToList())
        {
            if (!container.Exited.IsCompleted)
            {
                container.Cgroups?.KillAll();
                await container.Exited;
            }

            Forget(container.State.Id);
        }

        await RemovePodInitAsync(sandbox.PodUid, ct);
        await _network.RemoveAsync(sandbox.PodUid, ct);
        Cgroups.RemovePod($"{Options.CgroupRoot}/{sandbox.PodUid}");
        ForgetDisarmed(sandbox.PodUid);
    }

    /// <summary>Deletes the node bridge (tests, explicit node teardown).</summary>
    public async Task TeardownNodeAsync(CancellationToken ct)
    {
        foreach (var podUid in _standbys.Keys.Select(k => k.PodUid).Distinct().ToList())
        {
            await DiscardStandbysAsync(podUid);
        }

        _bridgeReady = false;
        await NodeNetwork.TeardownAsync(Options.BridgeName, ct);
    }

    public override async Task<ContainerHandle> StartAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct)
    {
        StartTrace.Mark("agent-start", spec.LogPath);
        if (await TakeRestartedAsync(sandbox.PodUid, spec) is { } restarted)
        {
            if (spec.NextAttempt is { } following)
            {
                BeginStandby(sandbox, following, spec.ArmsNext);
            }

            return restarted;
        }

        var standby = await TakeStandbyAsync(sandbox.PodUid, spec);
        CheckExecutable(spec);
        // An unknown capability fails here, before anything is made for the attempt.
        _ = spec.Security?.BoundingSet();
        if (spec.Mounts.Count > 0 && !MountsVolumes)
        {
            throw new ContainerStartException("volume mounts need the native launcher (axolotl-launch; build with gcc installed)", 128);
        }

        // The shell chain runs containers on the node's root only, as root.
        if ((spec.Rootfs is not null || spec.User is not null) && _tools.Launcher is null)
        {
            throw new ContainerStartException("an image's root filesystem and runAsUser need the native launcher (axolotl-launch; build with gcc installed)", 128);
        }

        if (spec.Seccomp is not null && _tools.Launcher is null)
        {
            throw new ContainerStartException("a seccomp profile needs the native launcher (axolotl-launch; build with gcc installed)", 128);
        }

        if ((spec.Stdio.Stdin || spec.Stdio.Tty || spec.PidNamespaceOf is not null) && _tools.Launcher is null)
        {
            throw new ContainerStartException("stdin, tty and a target container's process namespace need the native launcher (axolotl-launch; build with gcc installed)", 128);
        }

        var podDir = _network.PodDirectory(sandbox.PodUid);
        var hostsFile = Path.Combine(podDir, "hosts");
        var resolvFile = Path.Combine(podDir, PodNetwork.ResolvConfFileName);
        var hostnameFile = Path.Combine(podDir, "hostname");
        // A few bytes: read synchronously, a thread-pool hop would cost more on the restart path.
        var hostname = File.Exists(hostnameFile) ? File.ReadAllText(hostnameFile).Trim() : spec.Name;
        var cgroupPath = $"{Options.CgroupRoot}/{sandbox.PodUid}/{spec.Name}";
        var cgroups = Cgroups.Open(cgroupPath);
        if (cgroups.ReadPids().Count > 0)
        {
            throw new ContainerStartException($"container {spec.Name} of pod {sandbox.PodUid} is still running", 128);
        }

        try
        {
            cgroups = Cgroups.Create(cgroupPath, spec);
        }
        catch (IOException e)
        {
            throw new ContainerStartException($"cannot set up cgroups: {e.Message}", 128);
        }

        var id = standby?.Id ?? NewContainerId();
        var exitFile = standby?.ExitFile ?? ExitFileFor(sandbox.PodUid, id);
        Directory.CreateDirectory(Path.GetDirectoryName(exitFile)!);
        EnsureLogDirectory(spec.LogPath);
        var oomBaseline = cgroups.ReadOomKillCount();

        var hosts = File.Exists(hostsFile) ? hostsFile : null;
        // No file (a pod with dnsPolicy Default, or made before cluster DNS existed): the host's stays.
        var resolv = File.Exists(resolvFile) ? resolvFile : null;
        // The cgroups are made afresh above: the standby joins them now. A standby that cannot hear
        // it has gone; its id and exit file serve the cold start.
        if (standby is not null && !standby.Go())
        {
            await standby.DiscardAsync(StandbyDiscardTimeout, Time);
            standby = null;
        }

        var standbyFirst = standby is null && _tools.Launcher is not null && spec.NextAttempt is not null;
        string? standbyReady = null;
        if (standbyFirst)
        {
            // A cold start's next attempt starts first (.NET starts one process at a time), so that a
            // container that crashes within milliseconds finds it ready: started after this launch it was
            // ready 0.6–0.8 ms after such a crash (median, restart-latency), and the restart waited for it.
            // When the restart would be immediate, this start's command also waits for it (Options.StandbyWait).
            standbyReady = BeginStandby(sandbox, spec.NextAttempt!, spec.ArmsNext, first: true);
        }

        Process process;
        string? environmentFile = standby?.EnvironmentFile;
        try
        {
            environmentFile ??= WriteEnvironment(sandbox.PodUid, spec, hostname);
            process = standby is not null ? standby.Process
                : _tools.Launcher is { } launcher
                ? NativeLauncher.Start(
                    new NativeLauncher.Request(launcher, exitFile, cgroups.ProcsFiles, sandbox.NetworkNamespace, hostname, hosts, Options.TmpSize, Options.LogMaxBytes,
                        File.Exists(hostnameFile) ? hostnameFile : null, AttachSocket: AttachSocketFor(id), PidNamespace: PidNamespaceFor(sandbox.PodUid, spec),
                        NextFifo: CanArm(sandbox.PodUid, spec, spec.ArmsNext) ? NextFifoFor(sandbox.PodUid, spec.Name) : null, NextOnAnyExit: spec.ArmsNext?.OnAnyExit ?? false,
                        EnvironmentFile: environmentFile, WaitStandby: standbyReady, WaitStandbyMilliseconds: (int)Options.StandbyWait.TotalMilliseconds),
                    spec)
                : StartRecorder(LaunchScripts.Outer, ShellChainArguments(spec, exitFile, cgroups, sandbox.NetworkNamespace, hostname, hosts, resolv, environmentFile));
        }
        catch (Exception e) when (e is not ContainerStartException)
        {
            RemoveStandbyReadyFifo(standbyReady);
            await DiscardStandbyAsync(sandbox.PodUid, spec.Name);
            cgroups.Remove();
            throw new ContainerStartException($"cannot start container: {e.Message}", 128);
        }

        StartTrace.Mark("agent-launched", spec.LogPath);
        if (!standbyFirst && spec.NextAttempt is { } next)
        {
            // A standby's go is quick: the next one is prepared beside it, not after it runs. Deferring it until
            // "running" made quick crashes wait ~37 ms for the standby (docs/flows/pod-lifecycle.md).
            BeginStandby(sandbox, next, spec.ArmsNext);
        }

        try
        {
            return await FinishStartAsync(sandbox.PodUid, spec, id, exitFile, environmentFile, process, cgroups, oomBaseline, ct);
        }
        finally
        {
            // Its launcher opened it before its "running" (or failed): the path has served.
            RemoveStandbyReadyFifo(standbyReady);
        }
    }

    /// <summary>
    /// A launched attempt (cold, or a standby told to go): recorded, watched, and once its command runs, its
    /// handle; a launcher that failed first makes it a StartError.
    /// </summary>
    private async Task<ContainerHandle> FinishStartAsync(string podUid, ContainerSpec spec, string id, string exitFile, string? environmentFile, Process process, Cgroups cgroups, long oomBaseline, CancellationToken ct)
    {
        var startedAt = Time.GetUtcNow();
        var startTicks = LinuxProcess.ReadStat(process.Id)?.StartTicks ?? 0;
        var state = new ContainerState(id, podUid, spec.Name, process.Id, startTicks, startedAt, spec.LogPath, cgroups.RelativePath, oomBaseline, exitFile)
        {
            Seccomp = spec.Seccomp,
            EnvironmentFile = environmentFile,
        };
        state.Save(Options.StateDirectory);
        // With the launcher, its exit line is read (or given up) before the observer takes the exit:
        // set before the observer starts, so that a launcher ending before its "running" is read
        // still leaves the exit (and an immediate restart) to that line.
        var tracked = Register(new TrackedContainer(state, process, cgroups) { RestartsAtOnce = spec.RestartsAtOnce, ReadsExitLine = _tools.Launcher is not null });

        // Running = the command runs under the init, PID 1 of the new namespace; a launcher failure before that is a StartError.
        bool ended;
        if (_tools.Launcher is not null)
        {
            int? pid;
            try
            {
                (pid, ended) = await NativeLauncher.WaitRunningAsync(process, StartTimeout, Time, ct);
            }
            catch
            {
                tracked.ReportedExit.TrySetResult(null);
                throw;
            }

            StartTrace.Mark("agent-running", spec.LogPath);
            if (pid is not null)
            {
                _ = ReportExitAsync(tracked, process);
            }
            else
            {
                tracked.ReportedExit.TrySetResult(null);
            }
        }
        else
        {
            tracked.ReportedExit.TrySetResult(null);
            ended = await WaitForInitAsync(tracked, ct);
        }

        if (ended && state.ReadLaunchError() is { } launchError)
        {
            var exit = await tracked.Exited;
            Forget(id);
            throw new ContainerStartException(launchError, NativeLauncher.StartErrorCode(exit.ExitCode));
        }

        return state.ToHandle();
    }

    private List<string> ShellChainArguments(ContainerSpec spec, string exitFile, Cgroups cgroups, string? netns, string hostname, string? hostsFile, string? resolvFile, string environmentFile)
    {
        // The order LaunchScripts.Outer, Enter and Init document.
        var arguments = new List<string>
        {
            _enterScript,
            _initScript,
            exitFile,
            spec.LogPath,
            string.Join(':', cgroups.ProcsFiles),
            netns ?? "-",
            hostname,
            hostsFile ?? "-",
            resolvFile ?? "-",
            // Like a container without WORKDIR: "/", never the agent's own directory (which may sit under the private /tmp).
            spec.WorkingDirectory ?? "/",
            Options.TmpSize,
            environmentFile,
            "--",
        };
        arguments.AddRange(spec.Command);
        return arguments;
    }

    /// <summary>The shell chain cannot say when tini runs: polls the cgroup for it; true when the chain ended first.</summary>
    private async Task<bool> WaitForInitAsync(TrackedContainer tracked, CancellationToken ct)
    {
        var deadline = Time.GetTimestamp() + (long)(StartTimeout.TotalSeconds * Time.TimestampFrequency);
        while (FindInit(tracked.Cgroups) is null && !tracked.RecorderEnded && !tracked.Process!.HasExited)
        {
            if (Time.GetTimestamp() > deadline)
            {
                break;
            }

            await Task.Delay(StartPollInterval, Time, ct);
        }

        return tracked.Process!.HasExited;
    }

    public override async Task StopAsync(ContainerHandle handle, TimeSpan grace, CancellationToken ct)
    {
        // This exit is the agent's doing: it must not start the standby by itself.
        Disarm(handle.PodUid, handle.Name);
        var tracked = await FindAsync(handle, ct);
        if (tracked is null || tracked.Exited.IsCompleted)
        {
            return;
        }

        if (FindInit(tracked.Cgroups) is { } init && grace > TimeSpan.Zero)
        {
            LinuxProcess.Signal(init, LinuxProcess.SIGTERM);
            try
            {
                await tracked.Exited.WaitAsync(grace, Time, ct);
                return;
            }
            catch (TimeoutException)
            {
            }
        }

        tracked.Cgroups?.KillAll();
        await tracked.Exited.WaitAsync(ct);
    }

    public override async Task<ContainerStats?> StatsAsync(ContainerHandle handle, CancellationToken ct)
    {
        var tracked = await FindAsync(handle, ct);
        return tracked is null || tracked.Exited.IsCompleted ? null : tracked.Cgroups?.ReadStats();
    }

    internal override async Task<bool> AfterExitAsync(TrackedContainer tracked)
    {
        if (tracked.Cgroups is not { } cgroups)
        {
            return false;
        }

        if (tracked.CgroupsHandedOn)
        {
            // The next attempt runs in them now.
            return tracked.OomCountAtExit > tracked.State.OomBaseline;
        }

        // Whatever outlived the launcher's child goes now. Normally nothing: the pid namespace dies with
        // its init, so the first look finds the cgroup empty and the restart path does not wait here.
        for (var i = 0; cgroups.ReadPids().Count > 0; i++)
        {
            if (i % 20 == 0)
            {
                cgroups.KillAll();
            }

            await Task.Delay(EmptyPollInterval, Time);
        }

        // Read the counter after exit and before rmdir: it vanishes with the cgroup.
        var oomKilled = cgroups.ReadOomKillCount() > tracked.State.OomBaseline;
        cgroups.Remove();
        return oomKilled;
    }

    /// <summary>The container init's host pid: the member of the container's cgroup that is PID 1 in its own namespace.</summary>
    internal static int? FindInit(Cgroups? cgroups)
    {
        if (cgroups is null)
        {
            return null;
        }

        foreach (var pid in cgroups.ReadPids())
        {
            // PID 1 of the new namespace is first the launcher's set-up (or the shell chain's init
            // script); only once it is the container's init (or tini) is the container running.
            var nspids = LinuxProcess.NamespacePids(pid);
            if (nspids.Count >= 2 && nspids[^1] == 1 && IsInit(pid))
            {
                return pid;
            }
        }

        return FindHostPidInit(cgroups);
    }

    /// <summary>
    /// hostPID, or a joined pid namespace (a target container's, the pod's shared one): the init is not
    /// PID 1 of anything; it is the member whose parent (the launcher) is not a member.
    /// </summary>
    private static int? FindHostPidInit(Cgroups cgroups)
    {
        var members = cgroups.ReadPids();
        foreach (var pid in members)
        {
            if (IsInit(pid) && ParentOf(pid) is { } parent && !members.Contains(parent))
            {
                return pid;
            }
        }

        return null;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether PID 1 has become the container's init: the launcher's PID 1 names itself "axolotl-init"
    /// once it supervises the command (container-init.c); the shell chain's execs tini. Before that it
    /// is the launcher's set-up or the init script.
    /// </summary>
    private static bool IsInit(int pid)
    {
        try
        {
            var comm = File.ReadAllText($"/proc/{pid}/comm").AsSpan().Trim();
            return comm is "axolotl-init" or "tini";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task EnsureBridgeAsync(CancellationToken ct)
    {
        if (_bridgeReady)
        {
            return;
        }

        await _bridgeLock.WaitAsync(ct);
        try
        {
            if (!_bridgeReady)
            {
                await NodeNetwork.EnsureAsync(Options.BridgeName, _cidr, ct, Options.PodMtu);
                _bridgeReady = true;
            }
        }
        finally
        {
            _bridgeLock.Release();
        }
    }
}
