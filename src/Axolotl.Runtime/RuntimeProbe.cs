namespace Axolotl.Runtime;

/// <summary>
/// Decides at start-up which runtime this host supports: the isolated <see cref="ProcessRuntime"/>
/// needs uid 0, writable memory/cpu/pids cgroups (v1 hierarchies or pure v2), and unshare, nsenter,
/// tini and ip on PATH. Otherwise the agent runs the announced <see cref="PlainProcessRuntime"/>.
/// The isolated runtime starts containers through the native launcher (axolotl-launch, built with
/// the agent when a C compiler exists) when it lies next to the assemblies, else through the shell chain.
/// </summary>
public static class RuntimeProbe
{
    /// <summary>The native launcher's file name, next to the agent's assemblies.</summary>
    public const string LauncherFileName = "axolotl-launch";

    /// <summary>Set to "shell" to start containers through the shell chain even when the native launcher exists.</summary>
    public const string LauncherVariable = "AXOLOTL_LAUNCHER";

    private static readonly string[] SearchPath = LinuxProcess.DefaultPath.Split(':');

    /// <summary>The missing prerequisites (empty when isolation is possible) and the tools found.</summary>
    public static (IReadOnlyList<string> Missing, RuntimeTools? Tools) Check()
    {
        var missing = new List<string>();
        if (LinuxProcess.EffectiveUserId() != 0)
        {
            missing.Add("not running as root (uid 0)");
        }

        if (!CgroupsWritable())
        {
            missing.Add("no writable memory/cpu/pids cgroups (v1 hierarchies or pure v2) under /sys/fs/cgroup");
        }

        var unshare = Which("unshare", missing);
        var nsenter = Which("nsenter", missing);
        var tini = Which("tini", missing);
        var ip = Which("ip", missing);
        var script = SearchPath.Select(d => Path.Combine(d, "script")).FirstOrDefault(File.Exists);
        RuntimeTools? tools = missing.Count == 0 ? new RuntimeTools(unshare!, nsenter!, tini!, ip!, script, FindLauncher()) : null;
        return (missing, tools);
    }

    /// <summary>The native launcher next to the assemblies when it exists, is executable and is not switched off.</summary>
    public static string? FindLauncher(string? directory = null)
    {
        if (string.Equals(Environment.GetEnvironmentVariable(LauncherVariable), "shell", StringComparison.Ordinal))
        {
            return null;
        }

        var path = Path.Combine(directory ?? AppContext.BaseDirectory, LauncherFileName);
        try
        {
            return File.Exists(path) && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0 ? path : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The runtime for this host; its <see cref="IContainerRuntime.Mode"/> says which and why.</summary>
    public static IContainerRuntime Create(ProcessRuntimeOptions options)
    {
        var (missing, tools) = Check();
        return tools is not null
            ? new ProcessRuntime(options, tools)
            : new PlainProcessRuntime(options, "fallback (" + string.Join("; ", missing) + ")");
    }

    private static string? Which(string tool, List<string> missing)
    {
        var found = SearchPath.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
        if (found is null)
        {
            missing.Add($"'{tool}' not found");
        }

        return found;
    }

    private static bool CgroupsWritable()
    {
        const string root = "/sys/fs/cgroup";
        if (File.Exists(Path.Combine(root, "cgroup.controllers")))
        {
            var controllers = File.ReadAllText(Path.Combine(root, "cgroup.controllers"));
            return controllers.Contains("memory", StringComparison.Ordinal)
                && controllers.Contains("cpu", StringComparison.Ordinal)
                && controllers.Contains("pids", StringComparison.Ordinal)
                && Writable(Path.Combine(root, "cgroup.procs"));
        }

        return new[] { "memory", "cpu", "cpuacct", "pids" }
            .All(h => File.Exists(Path.Combine(root, h, "cgroup.procs")) && Writable(Path.Combine(root, h, "cgroup.procs")));
    }

    private static bool Writable(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
