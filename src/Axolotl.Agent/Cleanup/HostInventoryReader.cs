using System.Globalization;
using System.Text.Json;
using Axolotl.Agent.Volumes;
using Axolotl.Runtime;

namespace Axolotl.Agent.Cleanup;

/// <summary>Reads a node's host objects: /sys, /run/netns, /proc, `ip -j` and `nft -j`, and the node's state under its data directory.</summary>
public static class HostInventoryReader
{
    private const string CgroupBase = "/sys/fs/cgroup";

    public static async Task<HostInventory> ReadAsync(NodeHostRecord node, CancellationToken ct)
    {
        var links = Names("/sys/class/net", directories: true).ToHashSet(StringComparer.Ordinal);
        return new HostInventory
        {
            Links = links,
            BridgePorts = [.. Names(Path.Combine("/sys/class/net", node.Bridge, "brif"), directories: true)],
            Namespaces = Names("/run/netns", directories: false).ToHashSet(StringComparer.Ordinal),
            Rules = ParseRules((await HostCommand.RunAsync("ip", ["-j", "rule", "show"], ct)).Output),
            Routes = [
                .. ParseRoutes((await HostCommand.RunAsync("ip", ["-j", "-4", "route", "show", "proto", "147"], ct)).Output, 147),
                .. ParseRoutes((await HostCommand.RunAsync("ip", ["-j", "-4", "route", "show", "type", "unreachable"], ct)).Output, null),
            ],
            NftTables = ParseNftTables((await HostCommand.RunAsync("nft", ["-j", "list", "tables"], ct)).Output),
            Cgroups = ReadCgroups(node.CgroupRoot),
            Mounts = [.. MountsAtOrUnder(node.DataDir)],
            Containers = ReadContainers(node.RuntimeDir),
            CheckpointedPods = Names(Path.Combine(node.AgentDir, "pods"), directories: true)
                .Where(uid => File.Exists(Path.Combine(node.AgentDir, "pods", uid, "checkpoint.json"))).ToHashSet(StringComparer.Ordinal),
            AgentPods = Names(Path.Combine(node.AgentDir, "pods"), directories: true).ToHashSet(StringComparer.Ordinal),
            RuntimePods = Names(Path.Combine(node.RuntimeDir, "pods"), directories: true).ToHashSet(StringComparer.Ordinal),
            Addresses = ReadClaims(Path.Combine(node.RuntimeDir, "ipam")),
        };
    }

    /// <summary>Mount points at or below <paramref name="directory"/> in this process's mount namespace.</summary>
    public static IReadOnlyList<string> MountsAtOrUnder(string directory)
    {
        return [.. TmpfsMounts.MountPointsUnder(directory.TrimEnd('/')).Order(StringComparer.Ordinal)];
    }

    public static IReadOnlyList<PolicyRule> ParseRules(string json) =>
        [.. Array(json).Select(e => new PolicyRule(e.TryGetProperty("priority", out var p) ? p.GetInt32() : -1, Text(e, "iif")))];

    public static IReadOnlyList<RouteEntry> ParseRoutes(string json, int? protocol) =>
        [.. Array(json).Select(e => new RouteEntry(Canonical(Text(e, "dst") ?? ""), Text(e, "prefsrc"), Text(e, "dev"), Text(e, "type") ?? "unicast", protocol))];

    /// <summary>`nft -j list tables`: {"nftables": [{"metainfo": …}, {"table": {"family": "inet", "name": "…"}}]}.</summary>
    public static IReadOnlySet<string> ParseNftTables(string json)
    {
        var tables = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("nftables", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    if (item.TryGetProperty("table", out var table))
                    {
                        tables.Add($"{Text(table, "family")} {Text(table, "name")}");
                    }
                }
            }
        }
        catch (JsonException)
        {
            // No nft, or no tables: nothing of ours.
        }
        return tables;
    }

    /// <summary>Every directory under ROOT in every hierarchy (pure v2: the one mount), with its own member count.</summary>
    private static List<CgroupEntry> ReadCgroups(string cgroupRoot)
    {
        var hierarchies = Cgroups.IsPureV2 ? [CgroupBase] : Names(CgroupBase, directories: true).Select(h => Path.Combine(CgroupBase, h));
        var entries = new List<CgroupEntry>();
        foreach (var hierarchy in hierarchies)
        {
            var top = Path.Combine(hierarchy, cgroupRoot);
            if (!Directory.Exists(top))
            {
                continue;
            }
            IEnumerable<string> below;
            try
            {
                below = [.. Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories)];
            }
            catch (DirectoryNotFoundException)
            {
                continue;
            }
            foreach (var dir in below.Prepend(top))
            {
                entries.Add(new CgroupEntry(dir, Path.GetRelativePath(hierarchy, dir), Members(dir)));
            }
        }
        return entries;
    }

    private static int Members(string cgroupDirectory)
    {
        try
        {
            return File.ReadLines(Path.Combine(cgroupDirectory, "cgroup.procs")).Count(l => l.Length > 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static List<RecordedContainer> ReadContainers(string runtimeDir)
    {
        var result = new List<RecordedContainer>();
        foreach (var uid in Names(Path.Combine(runtimeDir, "pods"), directories: true))
        {
            foreach (var file in Names(Path.Combine(runtimeDir, "pods", uid, "containers"), directories: false).Where(f => f.EndsWith(".json", StringComparison.Ordinal)))
            {
                if (ContainerState.Load(runtimeDir, uid, Path.GetFileNameWithoutExtension(file)) is { } state)
                {
                    result.Add(new RecordedContainer(uid, state.Id, state.Pid, state.StartTicks, LinuxProcess.IsAlive(state.Pid, state.StartTicks)));
                }
            }
        }
        return result;
    }

    private static List<AddressClaim> ReadClaims(string ipamDir)
    {
        var claims = new List<AddressClaim>();
        foreach (var name in Names(ipamDir, directories: false))
        {
            try
            {
                claims.Add(new AddressClaim(Path.Combine(ipamDir, name), File.ReadAllText(Path.Combine(ipamDir, name)).Trim()));
            }
            catch (IOException)
            {
                // Released meanwhile.
            }
        }
        return claims;
    }

    private static IEnumerable<string> Names(string directory, bool directories)
    {
        try
        {
            return [.. (directories ? Directory.EnumerateDirectories(directory) : Directory.EnumerateFiles(directory)).Select(Path.GetFileName).OfType<string>()];
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static IEnumerable<JsonElement> Array(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Array ? [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>"10.244.1.0/24" stays; a bare address gets "/32" (ip prints host routes without a length).</summary>
    private static string Canonical(string destination) =>
        destination.Length == 0 || destination.Contains('/', StringComparison.Ordinal) || destination == "default"
            ? destination
            : destination + "/32";
}
