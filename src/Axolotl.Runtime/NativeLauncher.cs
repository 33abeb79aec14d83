using System.Diagnostics;
using System.Globalization;

namespace Axolotl.Runtime;

/// <summary>
/// Starts a container through axolotl-launch (Runtime/Native/axolotl-launch.c): one process that
/// stays outside the container as its monitor, clones the namespace's PID 1 (cgroups, pod netns,
/// mounts, hostname; then it forks the command and stays as its init) and writes the log in CRI format
/// with its own rotation. It says "running &lt;pid&gt;" on stdout once the command runs, so start needs no polling; a launcher failure leaves
/// its reason in "&lt;exit file&gt;.err" like the shell chain does.
/// </summary>
internal static class NativeLauncher
{
    /// <summary>What one container start needs beyond the spec.</summary>
    public sealed record Request(
        string Launcher,
        string ExitFile,
        IEnumerable<string> CgroupProcsFiles,
        string? NetworkNamespace,
        string Hostname,
        string? HostsFile,
        string TmpSize,
        long LogMaxBytes,
        string? HostnameFile = null,
        bool Standby = false,
        string? AttachSocket = null,
        string? PidNamespace = null,
        int? ContainerNice = null,
        string? NextFifo = null,
        bool NextOnAnyExit = false,
        string? ArmedFifo = null,
        string? EnvironmentFile = null,
        string? ReadyTo = null,
        string? WaitStandby = null,
        int WaitStandbyMilliseconds = 0);

    /// <summary>What the launcher's exit line says: the code, and whether it let the next attempt go (with the OOM kill count before it, -1 unknown).</summary>
    public sealed record ExitLine(int Code, bool NextWent, long OomKills);

    /// <summary>
    /// The launcher's nice value: better than the containers', so that on a busy node the runtime's own
    /// steps of a start or a restart (the old launcher seeing the exit, the standby's go, PID 1's set-up)
    /// do not wait behind the workloads. The container itself runs at the agent's value (--nice).
    /// </summary>
    public const int LauncherNice = -10;

    /// <summary>The launcher's command line (without the executable) for <paramref name="spec"/>.</summary>
    public static List<string> Arguments(Request request, ContainerSpec spec)
    {
        var arguments = new List<string>
        {
            "--exit-file", request.ExitFile,
            "--log", spec.LogPath,
            "--log-max-bytes", request.LogMaxBytes.ToString(CultureInfo.InvariantCulture),
            "--hostname", request.Hostname,
            // Like a container without WORKDIR: "/", never the agent's own directory (which may sit under the private /tmp).
            "--workdir", spec.WorkingDirectory ?? "/",
            "--tmp-size", request.TmpSize,
        };
        foreach (var procs in request.CgroupProcsFiles)
        {
            arguments.Add("--cgroup-procs");
            arguments.Add(procs);
        }

        if (request.NetworkNamespace is { } netns)
        {
            arguments.Add("--netns");
            arguments.Add(netns);
        }

        if (request.HostsFile is { } hosts)
        {
            arguments.Add("--hosts");
            arguments.Add(hosts);
        }

        if (spec.Rootfs is { } rootfs)
        {
            arguments.Add("--rootfs");
            arguments.Add(rootfs.Mountpoint);
            foreach (var lower in rootfs.Lowers)
            {
                arguments.Add("--lower");
                arguments.Add(lower);
            }

            arguments.AddRange(["--upper", rootfs.Upper, "--work", rootfs.Work]);
            if (request.HostnameFile is { } hostnameFile)
            {
                arguments.Add("--hostname-file");
                arguments.Add(hostnameFile);
            }
        }

        if (spec.User is { } user)
        {
            arguments.Add("--user");
            arguments.Add(user.ToArgument());
        }

        foreach (var mount in spec.Mounts)
        {
            arguments.Add(mount.ReadOnly ? "--bind-ro" : "--bind");
            arguments.Add(mount.Source);
            if (mount.HostToContainer)
            {
                arguments.Add("--host-to-container");
            }

            arguments.Add("--to");
            arguments.Add(mount.Target);
        }

        // The launcher holds no capability list of its own: an image root without a securityContext
        // gets containerd's default bounding set from here (LinuxCapabilities.Default, "caps=a80425fb").
        var security = spec.Security ?? (spec.Rootfs is null ? null : Security.ContainerSecurity.Unset);
        foreach (var value in security?.LauncherValues() ?? [])
        {
            arguments.Add("--sec");
            arguments.Add(value);
        }

        arguments.AddRange(SeccompArguments(spec.Seccomp));
        arguments.AddRange(AttachArguments(request.AttachSocket, spec.Stdio));
        if (request.PidNamespace is { } pidNamespace)
        {
            arguments.Add("--pid-ns");
            arguments.Add(pidNamespace);
        }
        if (StartTrace.FilePath is { } trace)
        {
            arguments.Add("--trace");
            arguments.Add(trace);
        }

        if (request.Standby)
        {
            arguments.Add("--standby");
        }

        if (request.NextFifo is { } next)
        {
            arguments.AddRange(["--next", next, "--next-on", request.NextOnAnyExit ? "any" : "failure"]);
        }

        if (request.ArmedFifo is { } armed)
        {
            arguments.AddRange(["--armed", armed]);
        }

        if (request.ReadyTo is { } readyTo)
        {
            arguments.AddRange(["--ready-to", readyTo]);
        }

        if (request.WaitStandby is { } waitStandby)
        {
            arguments.AddRange(["--wait-standby", waitStandby, "--wait-standby-ms", request.WaitStandbyMilliseconds.ToString(CultureInfo.InvariantCulture)]);
        }

        if (request.EnvironmentFile is { } environmentFile)
        {
            arguments.AddRange(["--env-file", environmentFile]);
        }

        if (request.ContainerNice is { } nice)
        {
            arguments.Add("--nice");
            arguments.Add(nice.ToString(CultureInfo.InvariantCulture));
        }

        arguments.Add("--");
        arguments.AddRange(spec.Command);
        return arguments;
    }

    /// <summary>"--attach SOCKET [--stdin [--stdin-once]] [--tty]"; a stdin or terminal without a socket cannot be served.</summary>
    public static IEnumerable<string> AttachArguments(string? socket, ContainerStdio stdio)
    {
        if (socket is null)
        {
            if (stdio.Stdin || stdio.Tty)
            {
                throw new ContainerStartException("a container with stdin or tty needs an attach socket, and its path is too long for one", 128);
            }
            yield break;
        }

        yield return "--attach";
        yield return socket;
        if (stdio.Stdin)
        {
            yield return "--stdin";
            if (stdio.StdinOnce)
            {
                yield return "--stdin-once";
            }
        }

        if (stdio.Tty)
        {
            yield return "--tty";
        }
    }

    /// <summary>"--seccomp FILE [--seccomp-flags N]" for a filter (also taken by --exec-into), else nothing.</summary>
    public static IEnumerable<string> SeccompArguments(Seccomp.SeccompProgram? program) =>
        program is null ? []
        : program.Flags == 0 ? ["--seccomp", program.Path]
        : ["--seccomp", program.Path, "--seccomp-flags", program.Flags.ToString(CultureInfo.InvariantCulture)];

    /// <summary>
    /// Starts the launcher, a root process on the node, with the agent's clean environment: the
    /// container's reaches its command only, through <see cref="Request.EnvironmentFile"/>.
    /// </summary>
    public static Process Start(Request request, ContainerSpec spec)
    {
        request = request with { ContainerNice = ThreadPriority.OfCallingThread() };
        var psi = new ProcessStartInfo(request.Launcher)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            // A standby waits for "go" there; its end (the agent gone) ends the standby.
            RedirectStandardInput = request.Standby,
        };
        foreach (var argument in Arguments(request, spec))
        {
            psi.ArgumentList.Add(argument);
        }

        ContainerEnvironment.ApplyClean(psi.Environment);
        return ThreadPriority.StartAt(psi, LauncherNice) ?? throw new ContainerStartException("cannot start axolotl-launch");
    }

    /// <summary>
    /// Waits for the launcher's "running &lt;pid&gt;" line and returns the host pid of the container's
    /// PID 1 (the container's init). Null when the launcher closed its stdout without it (it is ending: a launcher
    /// failure leaves the exit and .err files) or did not answer within <paramref name="timeout"/>;
    /// <paramref name="ended"/> tells the two apart. After a pid, the launcher's next line tells the
    /// exit: <see cref="ReadExitAsync"/>.
    /// </summary>
    public static async Task<(int? Pid, bool Ended)> WaitRunningAsync(Process launcher, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var reader = launcher.StandardOutput;
        string? line;
        try
        {
            line = await reader.ReadLineAsync(ct).AsTask().WaitAsync(timeout, time, ct);
        }
        catch (TimeoutException)
        {
            return (null, false);
        }

        var pid = ParseRunning(line);
        if (pid is null)
        {
            reader.Dispose();
        }

        return (pid, line is null);
    }

    /// <summary>
    /// The code of the launcher's "exited &lt;code&gt;" line, which comes once the container's PID 1 is
    /// reaped and its log flushed (its exit file is written right after), ahead of the launcher's own exit (which waits
    /// for the container's mounts to go). Null when the launcher ended or the agent let go without it.
    /// </summary>
    public static async Task<ExitLine?> ReadExitAsync(Process launcher)
    {
        var reader = launcher.StandardOutput;
        try
        {
            return ParseExitLine(await reader.ReadLineAsync());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>The pid in a "running &lt;pid&gt;" line, else null.</summary>
    public static int? ParseRunning(string? line) =>
        line is not null && line.StartsWith("running ", StringComparison.Ordinal)
            && int.TryParse(line.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
            ? pid
            : null;

    /// <summary>The code in an "exited &lt;code&gt;" line (or "exited &lt;code&gt; next &lt;oom kills&gt;"), else null.</summary>
    public static int? ParseExited(string? line) => ParseExitLine(line)?.Code;

    /// <summary>"exited &lt;code&gt;" or "exited &lt;code&gt; next &lt;oom kills&gt;", else null.</summary>
    public static ExitLine? ParseExitLine(string? line)
    {
        if (line is null || !line.StartsWith("exited ", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = line[7..].Split(' ');
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 0 or > 255)
        {
            return null;
        }

        return parts.Length switch
        {
            1 => new ExitLine(code, false, -1),
            3 when parts[1] == "next" && long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var oom) && oom >= -1
                => new ExitLine(code, true, oom),
            _ => null,
        };
    }

    /// <summary>The StartError exit code for a launcher exit code: 127 (executable not found) stays, anything else is 128.</summary>
    public static int StartErrorCode(int launcherExitCode) => launcherExitCode == 127 ? 127 : 128;
}
