using System.Globalization;

namespace Axolotl.Agent.Cleanup;

/// <summary>What a stop left on the host for the pods that survive it, and the one line that says so.</summary>
public sealed record KeptObjects
{
    public IReadOnlyList<string> Pods { get; init; } = [];

    public string? Bridge { get; init; }

    public IReadOnlyList<string> Namespaces { get; init; } = [];

    public int Veths { get; init; }

    public int Rules { get; init; }

    public int Routes { get; init; }

    /// <summary>The node's egress nftables table (masquerade and the per-pod connection cap).</summary>
    public bool Egress { get; init; }

    /// <summary>The node's network policy table (the surviving pods stay isolated).</summary>
    public bool NetworkPolicy { get; init; }

    /// <summary>The service proxy's kernel standby table (the surviving pods keep answering through their Services, ADR 0026).</summary>
    public bool ServiceStandby { get; init; }

    public bool Vxlan { get; init; }

    public int CgroupDirectories { get; init; }

    public int Mounts { get; init; }

    public int RunningContainers { get; init; }

    public bool IsEmpty => Pods.Count == 0;

    /// <summary>"kept for 3 pods (2 running containers): bridge axl0, 3 network namespaces (axl-…), …; run 'axolotl reset --data-dir D' to remove them".</summary>
    public string Describe(string dataDir)
    {
        var parts = new List<string>();
        if (Bridge is not null)
        {
            parts.Add($"bridge {Bridge}");
        }
        if (Namespaces.Count > 0)
        {
            parts.Add($"{Count(Namespaces.Count, "network namespace")} ({string.Join(", ", Namespaces)})");
        }
        Add(parts, Veths, "veth");
        Add(parts, Rules, "ip rule");
        Add(parts, Routes, "route");
        if (Egress)
        {
            parts.Add("the egress nftables table");
        }
        if (NetworkPolicy)
        {
            parts.Add("the network policy nftables table");
        }
        if (ServiceStandby)
        {
            parts.Add("the service standby nftables table");
        }
        if (Vxlan)
        {
            parts.Add("the VXLAN device and its nftables table");
        }
        Add(parts, CgroupDirectories, "cgroup directory", "cgroup directories");
        Add(parts, Mounts, "mount");
        return $"kept for {Count(Pods.Count, "pod")} the next start re-adopts ({Count(RunningContainers, "running container")}; pods survive a stop by design): " +
            $"{(parts.Count == 0 ? "nothing on the host" : string.Join(", ", parts))}; run 'axolotl reset --data-dir {dataDir}' to remove them";
    }

    private static void Add(List<string> parts, int count, string noun, string? plural = null)
    {
        if (count > 0)
        {
            parts.Add(Count(count, noun, plural));
        }
    }

    private static string Count(int count, string noun, string? plural = null) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : plural ?? noun + "s");
}
