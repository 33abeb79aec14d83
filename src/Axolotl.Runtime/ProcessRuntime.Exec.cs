using System.Diagnostics;
using System.Globalization;

namespace Axolotl.Runtime;

/// <summary>
/// Exec (kubectl exec and cp, exec probes, exec lifecycle hooks) and the container's environment. What
/// runs on the node for an exec (the launcher's --exec-into, util-linux script for a terminal, the shell
/// chain's join-and-nsenter) gets the agent's clean environment; the command, once inside the container,
/// gets the container's configured environment from its file, as the kubelet's exec gets the
/// container's spec env (never the live process's).
/// </summary>
public sealed partial class ProcessRuntime
{
    public override async Task<ExecResult> ExecAsync(ContainerHandle handle, ExecSpec spec, CancellationToken ct)
    {
        var tracked = await FindAsync(handle, ct) ?? throw new InvalidOperationException($"unknown container {handle.Id}");
        var init = FindInit(tracked.Cgroups);
        if (tracked.Exited.IsCompleted || init is null || spec.Command.Count == 0)
        {
            throw new InvalidOperationException($"container {handle.Name} is not running");
        }

        var environmentFile = tracked.State.EnvironmentFile ?? AdoptEnvironment(tracked.State, init.Value);
        // Entering the mount namespace puts the command at the container's root (the image's, or the
        // node's with a private /tmp). The launcher also joins the cgroups and takes on the init's user,
        // groups and capability bounding set; the shell chain (no image roots, no users) makes do with
        // a shell that joins the cgroups and nsenter.
        var pid = init.Value.ToString(CultureInfo.InvariantCulture);
        List<string> enter;
        await using var sizes = spec.Tty && spec.Resize is not null && _tools.Launcher is not null ? TerminalSizeFifo.Create(Options.StateDirectory) : null;
        if (_tools.Launcher is { } launcher)
        {
            enter = [launcher, "--exec-into", pid];
            foreach (var procs in tracked.Cgroups!.ProcsFiles)
            {
                enter.AddRange(["--cgroup-procs", procs]);
            }

            enter.AddRange(["--env-file", environmentFile]);
            if (spec.Tty)
            {
                // The launcher makes the terminal inside the container (its own devpts), as runc does.
                enter.AddRange(["--tty", sizes?.Path ?? "-"]);
            }
            enter.AddRange([.. NativeLauncher.SeccompArguments(tracked.State.Seccomp), "--"]);
        }
        else
        {
            enter = ["/bin/sh", "-c", LaunchScripts.JoinAndExec, "axl-exec", string.Join(':', tracked.Cgroups!.ProcsFiles), environmentFile, _tools.Nsenter, pid, "--"];
        }

        var psi = ExecStartInfo(enter, spec, viaScript: spec.Tty && _tools.Launcher is null);
        sizes?.Start(spec.Resize!);
        return await RunExecAsync(psi, spec, ct);
    }

    /// <summary>
    /// The node's side of an exec: <paramref name="enter"/> then the command, or, for a terminal
    /// without the native launcher, both under util-linux script; never the container's environment.
    /// </summary>
    private ProcessStartInfo ExecStartInfo(List<string> enter, ExecSpec spec, bool viaScript)
    {
        if (!viaScript)
        {
            var direct = new ProcessStartInfo(enter[0]);
            foreach (var a in enter.Skip(1).Concat(spec.Command))
            {
                direct.ArgumentList.Add(a);
            }

            ContainerEnvironment.ApplyClean(direct.Environment);
            return direct;
        }

        // The shell chain's pseudo-terminal: util-linux script, which runs on the node (an image need
        // not have it; its terminal is the node's, so `tty` inside cannot name it) and enters the container from there: -e passes the command's exit code on. script runs
        // its command with $SHELL: the node's sh (the container's SHELL is in its environment file).
        var psi = new ProcessStartInfo(_tools.Script ?? throw new InvalidOperationException("TTY exec needs util-linux 'script'"));
        psi.ArgumentList.Add("-qfec");
        psi.ArgumentList.Add("exec " + string.Join(' ', enter.Concat(spec.Command).Select(ShellQuote)));
        psi.ArgumentList.Add("/dev/null");
        ContainerEnvironment.ApplyClean(psi.Environment, [new("SHELL", "/bin/sh")]);
        return psi;
    }

    internal static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// The container's environment file for an attempt: the spec's variables, HOSTNAME (the pod's) and a
    /// default PATH unless the spec has them. In the launcher's format, or the shell chain's.
    /// </summary>
    private string WriteEnvironment(string podUid, ContainerSpec spec, string hostname)
    {
        var environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal);
        environment.TryAdd("HOSTNAME", hostname);
        environment.TryAdd("PATH", LinuxProcess.DefaultPath);
        return ContainerEnvironment.Write(Options.StateDirectory, podUid, spec.Name, environment, _tools.Launcher is null);
    }

    /// <summary>
    /// A container an agent without environment files started (re-adopted after an upgrade): its init
    /// was started with the container's environment, which is read once into a file, as data only.
    /// </summary>
    private string AdoptEnvironment(ContainerState state, int init)
    {
        Dictionary<string, string> environment;
        try
        {
            environment = ContainerEnvironment.Decode(File.ReadAllBytes($"/proc/{init}/environ"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            environment = [];
        }

        environment.TryAdd("PATH", LinuxProcess.DefaultPath);
        return ContainerEnvironment.Write(Options.StateDirectory, state.PodUid, state.Name, environment, _tools.Launcher is null);
    }
}
