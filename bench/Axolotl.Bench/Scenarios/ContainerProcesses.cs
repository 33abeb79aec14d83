using System.Globalization;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// The processes a node's containers consist of, found in /proc: those in the node's v1 pids cgroup
/// (the container's init, the app, and any shell on its way to exec), and those that stay outside it (their
/// command line names the server's data dir): each container's launcher, the next attempt's standby (a
/// launcher, its PID 1 and the command waiting for its go, all `--standby`), or the shell chain's recorder
/// shells. Each with its RSS and PSS in kB.
/// </summary>
internal static class ContainerProcesses
{
    /// <summary>The role of a container's own command (its init's child).</summary>
    public const string AppRole = "app (the init's child)";

    /// <summary>A container's init by its comm: the launcher's own, or tini under the shell chain.</summary>
    public static bool IsInit(string comm) => comm is "axolotl-init" or "tini";

    public sealed record Entry(int Pid, string Role, long RssKb, long PssKb);

    public static IReadOnlyList<Entry> Find(string nodeName, string dataDir, int serverPid)
    {
        var cgroupPrefix = $":pids:/axolotl-{nodeName}/";
        var found = new List<(int Pid, int Parent, string Comm, bool InCgroup, bool Standby)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == serverPid)
            {
                continue;
            }
            try
            {
                var inCgroup = File.ReadAllLines(Path.Combine(dir, "cgroup")).Any(l => l.Contains(cgroupPrefix, StringComparison.Ordinal));
                var commandLine = inCgroup ? "" : File.ReadAllText(Path.Combine(dir, "cmdline"));
                var recorder = !inCgroup && commandLine.Contains(dataDir, StringComparison.Ordinal);
                if (!inCgroup && !recorder)
                {
                    continue;
                }
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var comm = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                found.Add((pid, parent, comm, inCgroup, commandLine.Contains("\0--standby\0", StringComparison.Ordinal)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited while being read.
            }
        }
        var inits = found.Where(p => IsInit(p.Comm)).Select(p => p.Pid).ToHashSet();
        var result = new List<Entry>();
        foreach (var p in found)
        {
            var role = p.InCgroup ? (inits.Contains(p.Parent) ? AppRole : p.Comm)
                : p.Standby ? "standby (its launcher, PID 1 and waiting command)"
                : p.Comm == "axolotl-launch" ? "launcher (outside the container)"
                : "recorder shell (outside the container)";
            var dir = $"/proc/{p.Pid}";
            var rss = Kilobytes(Path.Combine(dir, "status"), "VmRSS");
            var pss = Kilobytes(Path.Combine(dir, "smaps_rollup"), "Pss");
            if (rss is not null && pss is not null)
            {
                result.Add(new Entry(p.Pid, role, rss.Value, pss.Value));
            }
        }
        return result;
    }

    private static long? Kilobytes(string path, string key)
    {
        try
        {
            return MachineInfo.ParseKilobytes(MachineInfo.ProcLine(path, key));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
