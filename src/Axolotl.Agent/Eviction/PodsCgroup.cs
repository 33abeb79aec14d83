using System.Globalization;

namespace Axolotl.Agent.Eviction;

/// <summary>
/// The node's pods cgroup (the kubelet's kubepods): the directory every pod's cgroups live under
/// (the runtime's cgroup root, e.g. axolotl-NODE/&lt;pod uid&gt;/&lt;container&gt;), limited to node
/// allocatable so that pods together cannot take the memory the system and the agent need.
/// On a v1/hybrid host the memory hierarchy carries it; on pure v2 the one tree does.
/// </summary>
public sealed class PodsCgroup(string name, string root = "/sys/fs/cgroup")
{
    public string Name => name;

    public bool PureV2 => File.Exists(Path.Combine(root, "cgroup.controllers"));

    /// <summary>The directory whose memory files describe all pods together.</summary>
    public string MemoryDirectory => PureV2 ? Path.Combine(root, name) : Path.Combine(root, "memory", name);

    /// <summary>The file whose crossing of a value the kernel can signal (v1 memory thresholds); null on v2.</summary>
    public string? UsageFile => PureV2 ? null : Path.Combine(MemoryDirectory, "memory.usage_in_bytes");

    /// <summary>Creates the cgroup and sets its memory limit; false when the kernel refused (usage above it now, or no permission).</summary>
    public bool EnsureLimit(long bytes)
    {
        try
        {
            if (PureV2)
            {
                // The memory controller must be on in the parent's subtree for memory.max to exist below it.
                TryWrite(Path.Combine(root, "cgroup.subtree_control"), "+memory");
            }
            Directory.CreateDirectory(MemoryDirectory);
            File.WriteAllText(Path.Combine(MemoryDirectory, PureV2 ? "memory.max" : "memory.limit_in_bytes"), bytes.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The limit in force, or null when there is none (or no cgroup).</summary>
    public long? ReadLimit()
    {
        var text = Read(Path.Combine(MemoryDirectory, PureV2 ? "memory.max" : "memory.limit_in_bytes"));
        // v1 shows "no limit" as a huge page-aligned number.
        return text is null or "max" || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value >= long.MaxValue / 2 ? null : value;
    }

    /// <summary>Usage and working set (usage minus inactive file pages, as cAdvisor computes it).</summary>
    public (long Usage, long WorkingSet)? ReadMemory()
    {
        var usageText = Read(Path.Combine(MemoryDirectory, PureV2 ? "memory.current" : "memory.usage_in_bytes"));
        if (usageText is null || !long.TryParse(usageText, NumberStyles.None, CultureInfo.InvariantCulture, out var usage))
        {
            return null;
        }
        var inactive = ReadKeyed(Path.Combine(MemoryDirectory, "memory.stat"), PureV2 ? "inactive_file" : "total_inactive_file") ?? 0;
        return (usage, Math.Max(0, usage - inactive));
    }

    internal static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static long? ReadKeyed(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0 && line.AsSpan(0, space).SequenceEqual(key)
                    && long.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    private static void TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
