using System.Text.Json;

namespace Axolotl.E2E.Tests.Harness;

/// <summary>
/// What of one test node is on this machine, read as an operator would (`ip -j link`, `ip rule`,
/// `ip netns`, /sys/fs/cgroup/*/axolotl-NODE, /proc/self/mountinfo): only names of that node.
/// </summary>
public sealed record HostObjects(
    bool Bridge,
    bool ServiceLink,
    IReadOnlyList<string> Rules,
    IReadOnlyList<string> Namespaces,
    IReadOnlyList<string> Veths,
    IReadOnlyList<string> Cgroups,
    IReadOnlyList<string> Mounts,
    bool EgressTable,
    bool StandbyTable)
{
    public bool IsEmpty => !Bridge && !ServiceLink && Rules.Count == 0 && Namespaces.Count == 0 && Veths.Count == 0 && Cgroups.Count == 0 && Mounts.Count == 0 && !EgressTable &&
        !StandbyTable;

    public override string ToString() =>
        $"bridge {Bridge}, service link {ServiceLink}, rules [{string.Join("; ", Rules)}], namespaces [{string.Join(", ", Namespaces)}], " +
        $"veths [{string.Join(", ", Veths)}], cgroups [{string.Join(", ", Cgroups)}], mounts [{string.Join(", ", Mounts)}], egress table {EgressTable}, " +
        $"standby table {StandbyTable}";

    /// <param name="podUids">The node's pods (their namespaces are axl- and 12 hex digits of the UID).</param>
    public static async Task<HostObjects> OfAsync(AxolotlServer server, IEnumerable<string> podUids)
    {
        var links = await IpJsonAsync("-j", "link", "show");
        var names = links.Select(l => l.GetProperty("ifname").GetString()!).ToHashSet(StringComparer.Ordinal);
        var veths = links.Where(l => l.TryGetProperty("master", out var m) && m.GetString() == server.Bridge).Select(l => l.GetProperty("ifname").GetString()!).ToList();
        var rules = (await IpJsonAsync("-j", "rule", "show"))
            .Where(r => r.TryGetProperty("iif", out var iif) && iif.GetString() == server.Bridge)
            .Select(r => r.GetRawText()).ToList();
        var netns = (await ProcessRunner.RunAsync("ip", ["netns", "list"], timeout: TimeSpan.FromSeconds(10))).Stdout;
        var namespaces = podUids.Select(NamespaceName).Where(n => netns.Contains(n, StringComparison.Ordinal)).ToList();
        var cgroups = Directory.EnumerateDirectories("/sys/fs/cgroup")
            .Select(h => Path.Combine(h, $"axolotl-{server.NodeName}"))
            .Where(Directory.Exists)
            .SelectMany(top => Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories).Prepend(top))
            .ToList();
        var prefix = server.DataDir.TrimEnd('/') + "/";
        var mounts = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        // The node's masquerade table (ADR 0018): test bridges are letters and digits, so the name is plain.
        var tables = (await ProcessRunner.RunAsync("nft", ["list", "tables"], timeout: TimeSpan.FromSeconds(10))).Stdout;
        var egress = tables.Split('\n').Any(l => l.Trim() == $"table ip axolotl_egress_{server.Bridge}");
        // The service proxy's standby table (ADR 0026), named the same way.
        var standby = tables.Split('\n').Any(l => l.Trim() == $"table ip axolotl_standby_{server.Bridge}");
        return new HostObjects(names.Contains(server.Bridge), names.Contains(server.Bridge + "-svc"), rules, namespaces, veths, cgroups, mounts, egress, standby);
    }

    public static string NamespaceName(string podUid)
    {
        var hex = podUid.Replace("-", "", StringComparison.Ordinal);
        return "axl-" + (hex.Length <= 12 ? hex : hex[..12]);
    }

    /// <summary>The processes in a node's cgroups (memory hierarchy: every container joins it).</summary>
    public static IReadOnlyList<int> Processes(AxolotlServer server)
    {
        var top = $"/sys/fs/cgroup/memory/axolotl-{server.NodeName}";
        return !Directory.Exists(top)
            ? []
            : [.. Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories)
                .SelectMany(d => File.ReadLines(Path.Combine(d, "cgroup.procs")))
                .Select(int.Parse)];
    }

    private static async Task<List<JsonElement>> IpJsonAsync(params string[] args)
    {
        var result = await ProcessRunner.RunAsync("ip", args, timeout: TimeSpan.FromSeconds(10));
        using var doc = JsonDocument.Parse(result.Stdout);
        return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
