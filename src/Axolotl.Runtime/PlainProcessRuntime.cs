using System.Diagnostics;
using System.Globalization;

namespace Axolotl.Runtime;

/// <summary>
/// The announced fallback when isolation is impossible (not root, no writable cgroups, tools
/// missing): plain processes in their own session, host network (pod IP = the node address), memory
/// limits enforced by polling resident memory and SIGKILLing the container above its limit (reported
/// as OOMKilled), CPU limits not enforced, no private /tmp or hostname.
/// </summary>
public sealed class PlainProcessRuntime : ProcessRuntimeCore
{
    private readonly string _reason;

    public PlainProcessRuntime(ProcessRuntimeOptions options, string reason)
        : base(options)
    {
        _reason = reason;
    }

    public override string Mode =>
        $"plain processes, host network, memory limits by RSS polling, CPU limits not enforced: {_reason}";

    /// <summary>No mount namespace: the agent warns instead (VolumesNotMounted).</summary>
    public override bool MountsVolumes => false;

    public override Task<PodSandbox> CreateSandboxAsync(PodSandboxSpec spec, CancellationToken ct)
    {
        // No namespaces of the pod's own: these would be silently ignored, so the sandbox is refused.
        if (spec.ShareProcessNamespace || spec.HostAliases.Count > 0 || spec.SetHostnameAsFqdn)
        {
            throw new InvalidOperationException($"{(spec.ShareProcessNamespace ? "shareProcessNamespace" : spec.SetHostnameAsFqdn ? "setHostnameAsFQDN" : "hostAliases")} needs the isolated runtime (pid, mount and uts namespaces of the pod's own); this node runs {Mode}");
        }

        Directory.CreateDirectory(PodDirectory(spec.PodUid));
        return Task.FromResult(new PodSandbox(spec.PodUid, spec.PodUid, Options.NodeAddress, null));
    }

    public override async Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken ct)
    {
        foreach (var container in ContainersOf(sandbox.PodUid).ToList())
        {
            if (!container.Exited.IsCompleted)
            {
                KillMembers(container, LinuxProcess.SIGKILL);
                await container.Exited;
            }

            Forget(container.State.Id);
        }

        var dir = PodDirectory(sandbox.PodUid);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public override Task<ContainerHandle> StartAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct)
    {
        if (spec.Seccomp is not null)
        {
            throw new ContainerStartException($"a seccomp profile needs the isolated runtime with the native launcher; this node runs {Mode}", 128);
        }

        if (spec.Rootfs is not null || spec.User is not null)
        {
            throw new ContainerStartException($"an image's root filesystem and runAsUser need the isolated runtime with the native launcher; this node runs {Mode}", 128);
        }

        CheckExecutable(spec);
        var id = NewContainerId();
        var exitFile = ExitFileFor(sandbox.PodUid, id);
        Directory.CreateDirectory(Path.GetDirectoryName(exitFile)!);
        EnsureLogDirectory(spec.LogPath);
        var environment = new Dictionary<string, string>(spec.Environment);
        if (spec.MemoryLimitBytes is { } limit)
        {
            // .NET apps size their heap from this instead of a cgroup they do not have.
            environment.TryAdd("DOTNET_GCHeapHardLimit", (limit * 3 / 4).ToString("x", CultureInfo.InvariantCulture));
        }

        var arguments = new List<string> { exitFile, spec.LogPath, spec.WorkingDirectory ?? "/", "--" };
        arguments.AddRange(spec.Command);
        var process = StartRecorder(LaunchScripts.Plain, arguments, environment);
        var state = new ContainerState(
            id, sandbox.PodUid, spec.Name, process.Id, LinuxProcess.ReadStat(process.Id)?.StartTicks ?? 0,
            Time.GetUtcNow(), spec.LogPath, null, 0, exitFile);
        state.Save(Options.StateDirectory);
        var tracked = Register(new TrackedContainer(state, process, null));
        if (spec.MemoryLimitBytes is { } memoryLimit)
        {
            _ = EnforceMemoryAsync(tracked, memoryLimit);
        }

        return Task.FromResult(state.ToHandle());
    }

    public override async Task StopAsync(ContainerHandle handle, TimeSpan grace, CancellationToken ct)
    {
        var tracked = await FindAsync(handle, ct);
        if (tracked is null || tracked.Exited.IsCompleted)
        {
            return;
        }

        if (grace > TimeSpan.Zero)
        {
            // SIGTERM again every 100 ms of the grace period: a command the wrapper shell had not yet
            // started when the first one went out would otherwise never see it.
            var end = Time.GetUtcNow() + grace;
            while (!tracked.Exited.IsCompleted && Time.GetUtcNow() < end)
            {
                KillMembers(tracked, LinuxProcess.SIGTERM);
                var slice = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(100).Ticks, (end - Time.GetUtcNow()).Ticks));
                await Task.WhenAny(tracked.Exited, Task.Delay(slice > TimeSpan.Zero ? slice : TimeSpan.Zero, Time, ct));
            }
            if (tracked.Exited.IsCompleted)
            {
                return;
            }
        }

        while (!tracked.Exited.IsCompleted)
        {
            KillMembers(tracked, LinuxProcess.SIGKILL);
            await Task.WhenAny(tracked.Exited, Task.Delay(TimeSpan.FromMilliseconds(50), Time, ct));
        }
    }

    public override async Task<ExecResult> ExecAsync(ContainerHandle handle, ExecSpec spec, CancellationToken ct)
    {
        var tracked = await FindAsync(handle, ct) ?? throw new InvalidOperationException($"unknown container {handle.Id}");
        if (tracked.Exited.IsCompleted || spec.Command.Count == 0)
        {
            throw new InvalidOperationException($"container {handle.Name} is not running");
        }

        var psi = new ProcessStartInfo(spec.Command[0]);
        foreach (var a in spec.Command.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        return await RunExecAsync(psi, spec, ct);
    }

    public override async Task<ContainerStats?> StatsAsync(ContainerHandle handle, CancellationToken ct)
    {
        var tracked = await FindAsync(handle, ct);
        if (tracked is null || tracked.Exited.IsCompleted)
        {
            return null;
        }

        var members = Members(tracked);
        return new ContainerStats(members.Sum(LinuxProcess.ResidentBytes), members.Sum(CpuNanoseconds), 0, 0);
    }

    internal override Task<bool> AfterExitAsync(TrackedContainer tracked)
    {
        // Children left behind in the session go with the container.
        KillMembers(tracked, LinuxProcess.SIGKILL);
        return Task.FromResult(File.Exists(tracked.State.ExitFile + ".oom"));
    }

    private async Task EnforceMemoryAsync(TrackedContainer tracked, long limit)
    {
        while (!tracked.RecorderEnded)
        {
            if (Members(tracked).Sum(LinuxProcess.ResidentBytes) > limit)
            {
                await File.WriteAllTextAsync(tracked.State.ExitFile + ".oom", "rss over limit");
                KillMembers(tracked, LinuxProcess.SIGKILL);
                return;
            }

            await Task.WhenAny(tracked.Exited, Task.Delay(Options.MemoryPollInterval, Time));
        }
    }

    /// <summary>The container's processes: its session minus the recorder shell.</summary>
    private static List<int> Members(TrackedContainer tracked) =>
        LinuxProcess.ProcessGroupMembers(tracked.State.Pid).Where(p => p != tracked.State.Pid).ToList();

    private static void KillMembers(TrackedContainer tracked, int signal)
    {
        foreach (var pid in Members(tracked))
        {
            LinuxProcess.Signal(pid, signal);
        }
    }

    private static long CpuNanoseconds(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime (fields 14, 15) in clock ticks of 10 ms (USER_HZ 100).
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10_000_000;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private string PodDirectory(string podUid) => Path.Combine(Options.StateDirectory, "pods", podUid);
}
