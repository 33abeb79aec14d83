using System.Globalization;
using System.Runtime.InteropServices;

namespace Axolotl.Runtime;

/// <summary>
/// Reads /proc and sends signals by PID; never by name. Public for the agent's host cleanup
/// (Agent/Cleanup), which kills a crashed node's launchers only while their start time still matches.
/// </summary>
public static partial class LinuxProcess
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int sig);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint SysGetEuid();

    public static uint EffectiveUserId() => SysGetEuid();

    /// <summary>Sends a signal; false when the process no longer exists.</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && SysKill(pid, signal) == 0;

    /// <summary>
    /// Start time in clock ticks since boot (field 22 of /proc/pid/stat) and the state letter; null when
    /// the pid does not exist. Together with the pid the start time names one process across pid reuse.
    /// </summary>
    public static (long StartTicks, char State)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: parse after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state); field 22 is fields[19].
        if (fields.Length < 20 || !long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        return (start, fields[0].Length > 0 ? fields[0][0] : '?');
    }

    /// <summary>True when the process exists, is not a zombie, and (when given) started at <paramref name="startTicks"/>.</summary>
    public static bool IsAlive(int pid, long? startTicks = null)
    {
        var stat = ReadStat(pid);
        return stat is { } s && s.State != 'Z' && s.State != 'X' && (startTicks is null || s.StartTicks == startTicks);
    }

    /// <summary>The pid as seen in each nested pid namespace (the NSpid line of /proc/pid/status).</summary>
    public static IReadOnlyList<int> NamespacePids(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("NSpid:", StringComparison.Ordinal))
                {
                    return line[6..].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)
                        .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
                }
            }
        }
        catch (IOException)
        {
        }

        return [];
    }

    /// <summary>Resident set size in bytes (VmRSS), 0 when unknown.</summary>
    public static long ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = line[6..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>
    /// <paramref name="pid"/>'s descendants, nearest first (each task's /proc children list), at most <paramref name="max"/>:
    /// a container's launcher, its PID 1, the command and what the command forked. Empty when it is gone.
    /// </summary>
    public static IReadOnlyList<int> Descendants(int pid, int max)
    {
        var found = new List<int>();
        var next = new Queue<int>([pid]);
        while (next.TryDequeue(out var parent) && found.Count < max)
        {
            try
            {
                foreach (var task in Directory.EnumerateDirectories($"/proc/{parent.ToString(CultureInfo.InvariantCulture)}/task"))
                {
                    foreach (var field in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (found.Count < max && int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var child))
                        {
                            found.Add(child);
                            next.Enqueue(child);
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited while being read (or no children file: a kernel without CONFIG_PROC_CHILDREN).
            }
        }

        return found;
    }

    /// <summary>Every pid whose process group is <paramref name="pgid"/> (field 5 of stat).</summary>
    public static List<int> ProcessGroupMembers(int pgid)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var text = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = text.LastIndexOf(')');
                var fields = text[(close + 2)..].Split(' ');
                if (fields.Length > 2 && fields[2] == pgid.ToString(CultureInfo.InvariantCulture) && fields[0] != "Z")
                {
                    result.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return result;
    }

    /// <summary>Resolves argv[0] the way execvp does, with the container's PATH; null when not found.</summary>
    public static string? ResolveExecutable(string command, string? path, string? workingDirectory)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.IsPathRooted(command) ? command : Path.Combine(workingDirectory ?? "/", command);
            return File.Exists(full) ? full : null;
        }

        foreach (var dir in (path ?? DefaultPath).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}
