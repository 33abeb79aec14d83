using System.Diagnostics;

namespace Axolotl.Runtime;

/// <summary>
/// Makes moving a process into a cgroup cheap. Every container start writes its PID 1 into the
/// container's cgroup.procs files; by default the kernel makes such a move wait for an RCU grace
/// period (cgroup_threadgroup_rwsem), measured at about 12 ms p50 and up to 60-130 ms on a busy
/// host, which alone exceeds the restart-latency target. The cgroup2 mount option favordynmods
/// ("reduce the latencies of dynamic cgroup modifications such as task migrations … at the cost of
/// making hot path operations such as forks and exits more expensive", cgroup-v2.rst) removes the
/// wait: a move then takes about 0.03 ms. The option is host-wide and, from Linux 6.18 on, cannot
/// be switched off again until reboot; <see cref="ProcessRuntimeOptions.FavorDynamicCgroupMoves"/>
/// turns this off.
/// </summary>
internal static class CgroupMoves
{
    private const string Option = "favordynmods";

    /// <summary>Switches favordynmods on when asked and possible; returns what the start-up line says about it.</summary>
    public static string Ensure(bool enable)
    {
        var mount = FindCgroup2Mount();
        if (mount is not { } m)
        {
            return "no cgroup2 mount: each container start waits for an RCU grace period";
        }

        if (m.Options.Contains(Option))
        {
            return $"cgroup moves: {Option} on {m.Path}";
        }

        if (!enable)
        {
            return $"cgroup moves: {Option} off on {m.Path} (each container start waits for an RCU grace period)";
        }

        var error = Remount(m.Path);
        return FindCgroup2Mount() is { } after && after.Options.Contains(Option)
            ? $"cgroup moves: {Option} switched on for {m.Path} by the agent"
            : $"cgroup moves: cannot switch {Option} on for {m.Path} ({error}); each container start waits for an RCU grace period";
    }

    /// <summary>The first cgroup2 mount in /proc/self/mounts and its options.</summary>
    internal static (string Path, HashSet<string> Options)? FindCgroup2Mount(string mounts = "/proc/self/mounts")
    {
        try
        {
            foreach (var line in File.ReadLines(mounts))
            {
                var fields = line.Split(' ');
                if (fields.Length >= 4 && fields[2] == "cgroup2")
                {
                    return (fields[1], fields[3].Split(',').ToHashSet(StringComparer.Ordinal));
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>util-linux mount keeps the mount's other options (nsdelegate, …) on a remount; a raw mount(2) would drop them.</summary>
    private static string Remount(string path)
    {
        try
        {
            var psi = new ProcessStartInfo("mount") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add("-o");
            psi.ArgumentList.Add("remount," + Option);
            psi.ArgumentList.Add(path);
            using var process = Process.Start(psi);
            if (process is null)
            {
                return "cannot run mount";
            }

            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? "" : stderr.Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }
}
