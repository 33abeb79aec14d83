using System.Globalization;
using Axolotl.Runtime.Devices;

namespace Axolotl.Runtime;

/// <summary>
/// One container's cgroups. On a v1/hybrid host: memory, cpu, cpuacct and pids hierarchies carry
/// the limits and counters, the devices hierarchy the device allow-list, and a controller-less
/// cgroup in the v2 "unified" mount gives cgroup.kill and cgroup.events. On a pure v2 host one
/// directory carries everything, the device allow-list as a BPF program attached to it. Public for
/// the agent's host cleanup (Agent/Cleanup), which walks the same hierarchies (<see cref="IsPureV2"/>).
/// </summary>
public sealed class Cgroups
{
    private const string Base = "/sys/fs/cgroup";
    private static readonly string[] V1Hierarchies = ["memory", "cpu", "cpuacct", "pids"];

    private Cgroups(string relativePath, bool pureV2)
    {
        RelativePath = relativePath;
        PureV2 = pureV2;
    }

    public string RelativePath { get; }

    public bool PureV2 { get; }

    /// <summary>Every directory of this container (leaf first is not implied).</summary>
    public IEnumerable<string> Directories => PureV2
        ? [Path.Combine(Base, RelativePath)]
        : V1Hierarchies.Select(h => Path.Combine(Base, h, RelativePath))
            .Concat(DevicesDirectory is { } d ? [d] : [])
            .Concat(UnifiedDirectory is { } u ? [u] : []);

    /// <summary>The cgroup.procs files a process writes its pid into to join.</summary>
    public IEnumerable<string> ProcsFiles => Directories.Select(d => Path.Combine(d, "cgroup.procs"));

    private string? UnifiedDirectory => PureV2
        ? Path.Combine(Base, RelativePath)
        : Directory.Exists(Path.Combine(Base, "unified")) ? Path.Combine(Base, "unified", RelativePath) : null;

    /// <summary>The v1 devices hierarchy's cgroup, when the node mounts that hierarchy (where the other v1 ones are).</summary>
    private string? DevicesDirectory => !PureV2 && V1DevicesMounted ? Path.Combine(Base, "devices", RelativePath) : null;

    /// <summary>How device rules are enforced on this node, for the runtime's start-up line.</summary>
    public static string DeviceEnforcement => IsPureV2 ? "BPF device filter"
        : V1DevicesMounted ? "devices" : Directory.Exists(Path.Combine(Base, "unified")) ? "BPF device filter on unified" : "NO device cgroup";

    private static bool V1DevicesMounted => File.Exists(Path.Combine(Base, "devices", "cgroup.procs"));

    private string MemoryDirectory => PureV2 ? Path.Combine(Base, RelativePath) : Path.Combine(Base, "memory", RelativePath);

    private string CpuDirectory => PureV2 ? Path.Combine(Base, RelativePath) : Path.Combine(Base, "cpu", RelativePath);

    private string CpuAcctDirectory => PureV2 ? Path.Combine(Base, RelativePath) : Path.Combine(Base, "cpuacct", RelativePath);

    private string PidsDirectory => PureV2 ? Path.Combine(Base, RelativePath) : Path.Combine(Base, "pids", RelativePath);

    public static bool IsPureV2 => File.Exists(Path.Combine(Base, "cgroup.controllers"));

    /// <summary>Names this container's cgroups without touching the file system (recovery).</summary>
    public static Cgroups Open(string relativePath) => new(relativePath, IsPureV2);

    /// <summary>Creates the cgroups and writes the limits; a stale, empty cgroup of the same name is reused.</summary>
    public static Cgroups Create(string relativePath, ContainerSpec spec)
    {
        var cg = Open(relativePath);
        // A restart with the same limits finds its cgroups as it left them: nothing to write again.
        var limits = LimitsKey(spec);
        if (Written.TryGetValue(relativePath, out var written) && written == limits && cg.Directories.All(Directory.Exists))
        {
            return cg;
        }

        if (cg.PureV2)
        {
            EnableV2Controllers(relativePath);
        }

        foreach (var dir in cg.Directories)
        {
            Directory.CreateDirectory(dir);
        }

        WeighNodeRoot(relativePath.Split('/')[0], Environment.ProcessorCount);
        cg.WriteLimits(spec);
        cg.WriteDeviceRules(DeviceRules.For(spec));
        Written[relativePath] = limits;
        return cg;
    }

    /// <summary>The limits last written per container cgroup, forgotten when the cgroup is removed.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Written = new(StringComparer.Ordinal);

    private static string LimitsKey(ContainerSpec spec) =>
        string.Create(CultureInfo.InvariantCulture, $"{spec.MemoryLimitBytes}/{spec.CpuLimitMillicores}/{spec.CpuRequestMillicores}/{spec.PidsMax}/{Environment.ProcessorCount}/{spec.Security?.Privileged == true}");

    /// <summary>
    /// The container's device allow-list (issue 31), in force before its first process joins: v1's
    /// devices hierarchy as runc does on v1 and hybrid hosts; else a BPF device filter on its cgroup2
    /// directory (a pure v2 host, or a hybrid one without the devices hierarchy, whose "unified"
    /// cgroup the container joins all the same). A host with neither cannot keep a container from
    /// the node's devices: the start fails rather than run it without.
    /// </summary>
    private void WriteDeviceRules(IReadOnlyList<DeviceRule> rules)
    {
        if (DevicesDirectory is { } v1)
        {
            DeviceCgroup.WriteV1(v1, rules);
        }
        else if (UnifiedDirectory is { } v2)
        {
            DeviceCgroup.AttachV2(v2, rules);
        }
        else
        {
            throw new IOException("no device cgroup: the node mounts neither the v1 devices hierarchy nor a cgroup2 hierarchy");
        }
    }

    /// <summary>
    /// The CPU weight of the node's cgroup that holds all its pods, as the kubelet gives its kubepods
    /// cgroup: the node's allocatable CPUs as shares (1024 a CPU; v2: the kubelet's conversion to a
    /// weight). Without it, all pods together weigh as much as one busy thread of the processes around them.
    /// </summary>
    private static void WeighNodeRoot(string root, int cpus)
    {
        var shares = cpus * 1024L;
        if (IsPureV2)
        {
            TryWrite(Path.Combine(Base, root, "cpu.weight"), (1 + ((shares - 2) * 9999 / 262142)).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            TryWrite(Path.Combine(Base, "cpu", root, "cpu.shares"), shares.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void EnableV2Controllers(string relativePath)
    {
        // Controllers must be enabled in every ancestor's subtree_control before a leaf can use them.
        var parts = relativePath.Split('/');
        var dir = Base;
        foreach (var part in parts)
        {
            TryWrite(Path.Combine(dir, "cgroup.subtree_control"), "+memory +cpu +pids");
            dir = Path.Combine(dir, part);
            Directory.CreateDirectory(dir);
        }
    }

    private void WriteLimits(ContainerSpec spec)
    {
        var shares = Math.Max(2, (spec.CpuRequestMillicores ?? 0) * 1024 / 1000);
        if (PureV2)
        {
            if (spec.MemoryLimitBytes is { } mem)
            {
                Write(MemoryDirectory, "memory.max", mem);
                TryWrite(Path.Combine(MemoryDirectory, "memory.swap.max"), "0");
            }

            var quota = spec.CpuLimitMillicores is { } cpu ? Math.Max(1000, cpu * 100).ToString(CultureInfo.InvariantCulture) : "max";
            File.WriteAllText(Path.Combine(CpuDirectory, "cpu.max"), $"{quota} 100000");
            // cgroup v2 weight from v1 shares, the conversion the kubelet uses.
            Write(CpuDirectory, "cpu.weight", 1 + ((shares - 2) * 9999 / 262142));
            Write(PidsDirectory, "pids.max", spec.PidsMax);
            return;
        }

        if (spec.MemoryLimitBytes is { } limit)
        {
            Write(MemoryDirectory, "memory.limit_in_bytes", limit);
            // memsw must be at least limit_in_bytes; equal means no swap on top of the limit.
            TryWrite(Path.Combine(MemoryDirectory, "memory.memsw.limit_in_bytes"), limit.ToString(CultureInfo.InvariantCulture));
        }

        Write(CpuDirectory, "cpu.cfs_period_us", 100000);
        Write(CpuDirectory, "cpu.cfs_quota_us", spec.CpuLimitMillicores is { } ms ? Math.Max(1000, ms * 100) : -1);
        Write(CpuDirectory, "cpu.shares", shares);
        Write(PidsDirectory, "pids.max", spec.PidsMax);
    }

    /// <summary>How many times the kernel's OOM killer killed a task in this cgroup.</summary>
    public long ReadOomKillCount()
    {
        var file = PureV2 ? Path.Combine(MemoryDirectory, "memory.events") : Path.Combine(MemoryDirectory, "memory.oom_control");
        return ReadKeyed(file, "oom_kill") ?? 0;
    }

    /// <summary>Pids in the cgroup (any of the hierarchies holds them all).</summary>
    public List<int> ReadPids()
    {
        var result = new List<int>();
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(MemoryDirectory, "cgroup.procs")))
            {
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    result.Add(pid);
                }
            }
        }
        catch (IOException)
        {
        }

        return result;
    }

    /// <summary>Kills everything inside at once (cgroup.kill), or SIGKILLs every member until the cgroup is empty.</summary>
    public void KillAll()
    {
        var killFile = UnifiedDirectory is { } u ? Path.Combine(u, "cgroup.kill") : null;
        if (killFile is not null && File.Exists(killFile) && TryWrite(killFile, "1"))
        {
            return;
        }

        foreach (var pid in ReadPids())
        {
            LinuxProcess.Signal(pid, LinuxProcess.SIGKILL);
        }
    }

    public ContainerStats? ReadStats()
    {
        if (!Directory.Exists(MemoryDirectory))
        {
            return null;
        }

        if (PureV2)
        {
            var current = ReadLong(Path.Combine(MemoryDirectory, "memory.current")) ?? 0;
            var inactive = ReadKeyed(Path.Combine(MemoryDirectory, "memory.stat"), "inactive_file") ?? 0;
            var usageUs = ReadKeyed(Path.Combine(CpuDirectory, "cpu.stat"), "usage_usec") ?? 0;
            var throttledUs = ReadKeyed(Path.Combine(CpuDirectory, "cpu.stat"), "throttled_usec") ?? 0;
            return new ContainerStats(
                Math.Max(0, current - inactive),
                usageUs * 1000,
                ReadKeyed(Path.Combine(CpuDirectory, "cpu.stat"), "nr_throttled") ?? 0,
                throttledUs * 1000);
        }

        var usage = ReadLong(Path.Combine(MemoryDirectory, "memory.usage_in_bytes")) ?? 0;
        var inactiveFile = ReadKeyed(Path.Combine(MemoryDirectory, "memory.stat"), "total_inactive_file") ?? 0;
        return new ContainerStats(
            Math.Max(0, usage - inactiveFile),
            ReadLong(Path.Combine(CpuAcctDirectory, "cpuacct.usage")) ?? 0,
            ReadKeyed(Path.Combine(CpuDirectory, "cpu.stat"), "nr_throttled") ?? 0,
            ReadKeyed(Path.Combine(CpuDirectory, "cpu.stat"), "throttled_time") ?? 0);
    }

    /// <summary>
    /// Removes the container's cgroups. The pod's directories stay for its next container (a restart
    /// would only create them again); <see cref="RemovePod"/> takes them with the sandbox.
    /// </summary>
    public void Remove()
    {
        Written.TryRemove(RelativePath, out _);
        foreach (var dir in Directories)
        {
            TryRemove(dir);
        }
    }

    /// <summary>Removes a pod's cgroup directories and whatever container cgroups are left in them (after its containers have gone).</summary>
    public static void RemovePod(string podRelativePath)
    {
        foreach (var key in Written.Keys.Where(k => k.StartsWith(podRelativePath + "/", StringComparison.Ordinal)))
        {
            Written.TryRemove(key, out _);
        }

        var hierarchies = IsPureV2 ? [""] : V1Hierarchies.Append("devices").Append("unified");
        foreach (var h in hierarchies)
        {
            var pod = Path.Combine(Base, h, podRelativePath);
            try
            {
                foreach (var container in Directory.EnumerateDirectories(pod))
                {
                    TryRemove(container);
                }
            }
            catch (DirectoryNotFoundException)
            {
                continue;
            }

            TryRemove(pod);
        }
    }

    private static void TryRemove(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                // rmdir on cgroupfs; Directory.Delete(recursive: false) is rmdir.
                Directory.Delete(dir);
            }
        }
        catch (IOException)
        {
        }
    }

    private static void Write(string dir, string file, long value) =>
        File.WriteAllText(Path.Combine(dir, file), value.ToString(CultureInfo.InvariantCulture));

    private static bool TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
            return true;
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

    private static long? ReadLong(string path)
    {
        try
        {
            return long.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static long? ReadKeyed(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0 && line.AsSpan(0, space).SequenceEqual(key))
                {
                    return long.Parse(line.AsSpan(space + 1), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
