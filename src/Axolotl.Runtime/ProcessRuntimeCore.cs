using System.Collections.Concurrent;
using System.Diagnostics;

namespace Axolotl.Runtime;

/// <summary>
/// What both Linux process runtimes share: a recorder per container (the native launcher or a shell)
/// that stays outside the container and writes the exit code to a file, per-container state that a
/// later instance re-attaches to, and exit observation (the Process object for children of this
/// instance, /proc polling for recovered ones).
/// </summary>
public abstract class ProcessRuntimeCore : IContainerRuntime
{
    private static readonly TimeSpan RecoveredPollInterval = TimeSpan.FromMilliseconds(50);
    private readonly ConcurrentDictionary<string, TrackedContainer> _containers = new();

    protected ProcessRuntimeCore(ProcessRuntimeOptions options)
    {
        Options = options;
        Directory.CreateDirectory(options.StateDirectory);
    }

    public abstract string Mode { get; }

    public abstract bool MountsVolumes { get; }

    protected ProcessRuntimeOptions Options { get; }

    /// <summary>The MTU of the node's bridge and pods' veths (VXLAN mode), null for the kernel's default.</summary>
    public int? PodMtu => Options.PodMtu;

    protected TimeProvider Time => Options.TimeProvider;

    public abstract Task<PodSandbox> CreateSandboxAsync(PodSandboxSpec spec, CancellationToken ct);

    public abstract Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken ct);

    public abstract Task<ContainerHandle> StartAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct);

    public virtual Task PrepareStandbyAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct) => Task.CompletedTask;

    public virtual bool PreparesStandbys => false;

    public virtual void AbandonRestart(string podUid, string name)
    {
    }

    public abstract Task StopAsync(ContainerHandle handle, TimeSpan grace, CancellationToken ct);

    public abstract Task<ExecResult> ExecAsync(ContainerHandle handle, ExecSpec spec, CancellationToken ct);

    public abstract Task<ContainerStats?> StatsAsync(ContainerHandle handle, CancellationToken ct);

    public async Task<ContainerExit> WaitAsync(ContainerHandle handle, CancellationToken ct)
    {
        var tracked = await FindAsync(handle, ct) ?? throw new InvalidOperationException($"unknown container {handle.Id}");
        return await tracked.Exited.WaitAsync(ct);
    }

    /// <summary>
    /// Re-attaches when the recorder is alive with the same start time. A container that ended
    /// while no agent watched is also returned when its exit was recorded (WaitAsync then reports that
    /// exit at once); null only when nothing is known about it.
    /// </summary>
    public Task<ContainerHandle?> RecoverAsync(ContainerHandle persisted, CancellationToken ct)
    {
        if (_containers.TryGetValue(persisted.Id, out var known))
        {
            return Task.FromResult<ContainerHandle?>(known.State.ToHandle());
        }

        var state = ContainerState.Load(Options.StateDirectory, persisted.PodUid, persisted.Id);
        if (state is null)
        {
            return Task.FromResult<ContainerHandle?>(null);
        }

        if (!LinuxProcess.IsAlive(state.Pid, state.StartTicks) && state.ReadExitCode() is null)
        {
            return Task.FromResult<ContainerHandle?>(null);
        }

        var tracked = _containers.GetOrAdd(state.Id, _ => Track(new TrackedContainer(state, null, state.CgroupPath is null ? null : Cgroups.Open(state.CgroupPath))));
        return Task.FromResult<ContainerHandle?>(tracked.State.ToHandle());
    }

    internal async Task<TrackedContainer?> FindAsync(ContainerHandle handle, CancellationToken ct)
    {
        if (_containers.TryGetValue(handle.Id, out var tracked))
        {
            return tracked;
        }

        return await RecoverAsync(handle, ct) is null ? null : _containers.GetValueOrDefault(handle.Id);
    }

    internal IEnumerable<TrackedContainer> ContainersOf(string podUid) => _containers.Values.Where(c => c.State.PodUid == podUid);

    internal TrackedContainer Register(TrackedContainer tracked)
    {
        _containers[tracked.State.Id] = Track(tracked);
        return tracked;
    }

    internal void Forget(string id) => _containers.TryRemove(id, out _);

    internal TrackedContainer? TrackedOf(string id) => _containers.GetValueOrDefault(id);

    private TrackedContainer Track(TrackedContainer tracked)
    {
        tracked.Exited = ObserveExitAsync(tracked);
        return tracked;
    }

    private async Task<ContainerExit> ObserveExitAsync(TrackedContainer tracked)
    {
        int exitCode;
        if (tracked.Process is { } process)
        {
            // The launcher's own exit waits for the container's mounts to be taken down: its line comes first.
            // Its end may still be seen first (a container on the node's root has little to unmount):
            // then the line's reader, which may restart the container at once, is waited for; the exit
            // is the observer's alone only when no reader runs.
            var processExit = process.WaitForExitAsync();
            var reported = await Task.WhenAny(tracked.ReportedExit.Task, processExit) == tracked.ReportedExit.Task
                || tracked.ReadsExitLine || !tracked.ClaimExit()
                ? await tracked.ReportedExit.Task
                : null;
            StartTrace.Mark("agent-exit-observed", tracked.State.LogPath);
            if (reported is null)
            {
                await processExit;
            }

            exitCode = reported ?? process.ExitCode;
        }
        else
        {
            while (LinuxProcess.IsAlive(tracked.State.Pid, tracked.State.StartTicks))
            {
                await Task.Delay(RecoveredPollInterval, Time);
            }

            // The recorder was killed before it could write: the status is unknown; report a kill,
            // as the kubelet does for a container that vanished.
            exitCode = tracked.State.ReadExitCode() ?? 137;
        }

        tracked.RecorderEnded = true;
        var oomKilled = await AfterExitAsync(tracked);
        StartTrace.Mark("agent-exit-cleaned", tracked.State.LogPath);
        var signal = exitCode > 128 ? exitCode - 128 : (int?)null;
        return new ContainerExit(exitCode, signal, oomKilled, tracked.ExitedAt ?? Time.GetUtcNow());
    }

    /// <summary>Cleans up after the recorder ended; returns whether the container was OOM-killed.</summary>
    internal abstract Task<bool> AfterExitAsync(TrackedContainer tracked);

    /// <summary>
    /// Starts the recorder shell in its own session (no terminal signals from the agent's group). The
    /// shell chain's runs as root on the node: with the clean environment (null), never the container's;
    /// only the plain runtime, whose containers are processes of the agent's own user, passes theirs.
    /// </summary>
    internal static Process StartRecorder(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
        };
        if (psi.FileName != "/bin/sh")
        {
            psi.ArgumentList.Add("/bin/sh");
        }

        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("axl-launch");
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        if (environment is null)
        {
            ContainerEnvironment.ApplyClean(psi.Environment);
        }
        else
        {
            psi.Environment.Clear();
            foreach (var (key, value) in environment)
            {
                psi.Environment[key] = value;
            }

            psi.Environment.TryAdd("PATH", LinuxProcess.DefaultPath);
        }

        return Process.Start(psi) ?? throw new ContainerStartException("cannot start the launcher shell");
    }

    /// <summary>Fails like the runtime would if argv[0] cannot be executed (StartError, exit 127), before anything is set up.</summary>
    internal static void CheckExecutable(ContainerSpec spec)
    {
        if (spec.Command.Count == 0)
        {
            throw new ContainerStartException("no command specified", 128);
        }

        // With volumes the directory or the executable may only exist inside one, and with the image's
        // root only there: the launcher checks both after its mounts, with the same reasons.
        if (spec.Mounts.Count > 0 || spec.Rootfs is not null)
        {
            return;
        }

        if (spec.WorkingDirectory is { } wd && !Directory.Exists(wd))
        {
            throw new ContainerStartException($"chdir to cwd (\"{wd}\") set in config.json failed: no such file or directory", 128);
        }

        spec.Environment.TryGetValue("PATH", out var path);
        if (LinuxProcess.ResolveExecutable(spec.Command[0], path, spec.WorkingDirectory) is null)
        {
            throw new ContainerStartException($"exec: \"{spec.Command[0]}\": executable file not found in $PATH", 127);
        }
    }

    internal static string NewContainerId() => Guid.NewGuid().ToString("N");

    internal string ExitFileFor(string podUid, string id) =>
        Path.Combine(Options.StateDirectory, "pods", podUid, "containers", id + ".exit");

    internal static void EnsureLogDirectory(string logPath)
    {
        if (Path.GetDirectoryName(logPath) is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
        }
    }

    /// <summary>Copies the exec'd process's output and feeds its stdin; returns its exit code.</summary>
    internal static async Task<ExecResult> RunExecAsync(ProcessStartInfo psi, ExecSpec spec, CancellationToken ct)
    {
        psi.UseShellExecute = false;
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var process = (spec.Prompt ? ThreadPriority.StartAt(psi, ExecSpec.PromptNice) : Process.Start(psi))
            ?? throw new InvalidOperationException("cannot start exec");
        try
        {
            var stdout = process.StandardOutput.BaseStream.CopyToAsync(spec.Stdout, ct);
            var stderr = process.StandardError.BaseStream.CopyToAsync(spec.Stderr ?? spec.Stdout, ct);
            using var stdinCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var stdin = FeedStdinAsync(process, spec.Stdin, stdinCts.Token);
            await process.WaitForExitAsync(ct);
            await Task.WhenAll(stdout, stderr);
            // An interactive stdin never ends by itself: stop feeding once the command has gone.
            await stdinCts.CancelAsync();
            await stdin;
            return new ExecResult(process.ExitCode);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            throw;
        }
    }

    private static async Task FeedStdinAsync(Process process, Stream? stdin, CancellationToken ct)
    {
        try
        {
            if (stdin is not null)
            {
                await stdin.CopyToAsync(process.StandardInput.BaseStream, ct);
            }
        }
        catch (IOException)
        {
            // The command ended without reading all of its input.
        }
        catch (OperationCanceledException)
        {
            // The command ended first.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
    }
}
