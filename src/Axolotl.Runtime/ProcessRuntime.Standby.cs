using System.Collections.Concurrent;

namespace Axolotl.Runtime;

/// <summary>
/// Standbys (<see cref="ContainerStandby"/>): the next attempt of a restartable container, prepared
/// off the restart path, so that exit → replacement is the agent's decision plus one line to a
/// process that already has its namespaces and root, not a process start and a root's set-up.
/// </summary>
public sealed partial class ProcessRuntime
{
    private static readonly TimeSpan StandbyReadyTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StandbyDiscardTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string PodUid, string Name), ContainerStandby> _standbys = new();

    public override bool PreparesStandbys => _tools.Launcher is not null;

    /// <summary>Starts a standby launcher for <paramref name="spec"/> (the next attempt), replacing any earlier one.</summary>
    public override async Task PrepareStandbyAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct)
    {
        await DiscardStandbyAsync(sandbox.PodUid, spec.Name);
        BeginStandby(sandbox, spec, spec.ArmsNext);
    }

    /// <summary>
    /// Registers a standby for <paramref name="spec"/> and starts its launcher: the registration makes even
    /// a container that crashes within milliseconds wait for its next attempt instead of the lane.
    /// <paramref name="arms"/> is the running attempt's: with it the standby is armed (only the registered
    /// standby gets the FIFO, in place before its launcher starts). <paramref name="first"/> starts the
    /// launcher on this thread, before the caller starts the attempt it follows (a cold start); otherwise
    /// it starts on the thread pool, beside the caller's own work. A first standby the agent would restart
    /// into at once also says when it is ready through a FIFO, returned for the cold start to wait on
    /// (<see cref="ProcessRuntimeOptions.StandbyWait"/>); null: nothing to wait for.
    /// </summary>
    private string? BeginStandby(PodSandbox sandbox, ContainerSpec spec, ArmedRestart? arms, bool first = false)
    {
        if (_tools.Launcher is not { } launcher)
        {
            return null;
        }

        var id = NewContainerId();
        var exitFile = ExitFileFor(sandbox.PodUid, id);
        var launch = new TaskCompletionSource<System.Diagnostics.Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var standby = ContainerStandby.Begin(spec, id, exitFile, launch);
        var registered = _standbys.TryAdd((sandbox.PodUid, spec.Name), standby);
        var restartsAtOnce = registered && arms is not null && Allows(arms.Now);
        var armedFifo = restartsAtOnce ? Arm(sandbox.PodUid, spec, arms) : null;
        var readyFifo = first && restartsAtOnce && Options.StandbyWait > TimeSpan.Zero ? MakeStandbyReadyFifo(sandbox.PodUid, spec.Name) : null;
        if (first)
        {
            ContainerStandby.Launch(launch, () => LaunchStandby(launcher, sandbox, spec, standby, arms, armedFifo, readyFifo));
            if (readyFifo is not null && !launch.Task.IsCompletedSuccessfully)
            {
                // No standby to wait for.
                RemoveStandbyReadyFifo(readyFifo);
                readyFifo = null;
            }
        }
        else
        {
            _ = Task.Run(() => ContainerStandby.Launch(launch, () => LaunchStandby(launcher, sandbox, spec, standby, arms, armedFifo, readyTo: null)));
        }

        if (!registered)
        {
            // Another preparation for the same container won the race: keep one.
            _ = standby.DiscardAsync(StandbyDiscardTimeout, Time);
        }

        return readyFifo;
    }

    private System.Diagnostics.Process LaunchStandby(string launcher, PodSandbox sandbox, ContainerSpec spec, ContainerStandby standby, ArmedRestart? arms, string? armedFifo, string? readyTo)
    {
        var exitFile = standby.ExitFile;
        var podDir = _network.PodDirectory(sandbox.PodUid);
        var hostsFile = Path.Combine(podDir, "hosts");
        var hostnameFile = Path.Combine(podDir, "hostname");
        var hostname = File.Exists(hostnameFile) ? File.ReadAllText(hostnameFile).Trim() : spec.Name;
        // The standby holds the pod's cgroup directories (the container's are made afresh at each start):
        // normally the running attempt's start made them.
        var cgroupPath = $"{Options.CgroupRoot}/{sandbox.PodUid}/{spec.Name}";
        var cgroups = Cgroups.Open(cgroupPath);
        if (!cgroups.Directories.All(Directory.Exists))
        {
            cgroups = Cgroups.Create(cgroupPath, spec);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(exitFile)!);
        EnsureLogDirectory(spec.LogPath);
        standby.EnvironmentFile = WriteEnvironment(sandbox.PodUid, spec, hostname);
        StartTrace.Mark("agent-standby-launch", spec.LogPath);
        return NativeLauncher.Start(
            new NativeLauncher.Request(launcher, exitFile, cgroups.ProcsFiles, sandbox.NetworkNamespace, hostname,
                File.Exists(hostsFile) ? hostsFile : null, Options.TmpSize, Options.LogMaxBytes, File.Exists(hostnameFile) ? hostnameFile : null, Standby: true,
                AttachSocket: AttachSocketFor(Path.GetFileNameWithoutExtension(exitFile)), PidNamespace: PidNamespaceFor(sandbox.PodUid, spec),
                NextFifo: CanArm(sandbox.PodUid, spec, arms) ? NextFifoFor(sandbox.PodUid, spec.Name) : null, NextOnAnyExit: arms?.OnAnyExit ?? false, ArmedFifo: armedFifo,
                EnvironmentFile: standby.EnvironmentFile, ReadyTo: readyTo),
            spec);
    }

    /// <summary>The container's standby, if one is prepared (tests).</summary>
    internal ContainerStandby? StandbyOf(string podUid, string name) => _standbys.GetValueOrDefault((podUid, name));

    /// <summary>The container's standby when it is ready and starts exactly <paramref name="spec"/>; any other is discarded first.</summary>
    private async Task<ContainerStandby?> TakeStandbyAsync(string podUid, ContainerSpec spec)
    {
        if (!_standbys.TryRemove((podUid, spec.Name), out var standby))
        {
            return null;
        }

        // The lane starts it: no launcher's exit may as well.
        Disarm(podUid, spec.Name);

        // A container that ends within milliseconds of its start may find its standby still setting up.
        if (await ReadyInTimeAsync(standby) && ContainerStandby.SameLaunch(standby.Spec, spec))
        {
            return standby;
        }

        await standby.DiscardAsync(StandbyDiscardTimeout, Time);
        return null;
    }

    /// <summary>Whether the standby said "standby" within the ready timeout.</summary>
    private async Task<bool> ReadyInTimeAsync(ContainerStandby standby)
    {
        try
        {
            return await standby.Ready.WaitAsync(StandbyReadyTimeout, Time);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task DiscardStandbyAsync(string podUid, string name)
    {
        if (_standbys.TryRemove((podUid, name), out var standby))
        {
            Disarm(podUid, name);
            await standby.DiscardAsync(StandbyDiscardTimeout, Time);
        }
    }

    private async Task DiscardStandbysAsync(string podUid)
    {
        foreach (var key in _standbys.Keys.Where(k => k.PodUid == podUid).ToList())
        {
            await DiscardStandbyAsync(key.PodUid, key.Name);
        }
    }
}
