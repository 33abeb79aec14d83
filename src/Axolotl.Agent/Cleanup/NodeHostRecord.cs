using System.Text.Json;

namespace Axolotl.Agent.Cleanup;

/// <summary>
/// What a node on this data directory put on the host under which names, written at each start of a
/// node that runs real pods (DATA/host-objects.json). `axolotl reset` and a stop read it to find this
/// node's objects and none of another node's on the same machine: the bridge and the cgroup root are
/// per node (--bridge, axolotl-NODE), pod namespaces and veths derive from pod UIDs in this data
/// directory's state, and the routes name this node's pod gateway as their source.
/// </summary>
public sealed record NodeHostRecord
{
    public const string FileName = "host-objects.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The top data directory (the server's --data-dir or the agent's).</summary>
    public required string DataDir { get; init; }

    public required string NodeName { get; init; }

    public required string Bridge { get; init; }

    /// <summary>The directory under every cgroup hierarchy that holds this node's pods.</summary>
    public required string CgroupRoot { get; init; }

    public required string PodCidr { get; init; }

    /// <summary>The pod gateway on the bridge; the preferred source of this node's routes to other nodes.</summary>
    public required string Gateway { get; init; }

    public required string ClusterCidr { get; init; }

    /// <summary>host-gw or vxlan.</summary>
    public string PodNetwork { get; init; } = "host-gw";

    /// <summary>The service proxy's link (BRIDGE-svc) and its range, when a proxy runs with the node.</summary>
    public string? ServiceInterface { get; init; }

    public string? ServiceCidr { get; init; }

    /// <summary>The service proxy's kernel standby table ("ip axolotl_standby_BRIDGE", ADR 0026), when it runs one.</summary>
    public string? ServiceStandbyTable { get; init; }

    /// <summary>Checkpoints and logs: DATA/agent.</summary>
    public string AgentDir => Path.Combine(DataDir, "agent");

    /// <summary>The runtime's state (pod directories, container state, address claims): DATA/runtime.</summary>
    public string RuntimeDir => Path.Combine(DataDir, "runtime");

    public static string PathIn(string dataDir) => Path.Combine(dataDir, FileName);

    public void Save()
    {
        var path = PathIn(DataDir);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The record of <paramref name="dataDir"/>, or null when no node that runs real pods ever started there.</summary>
    public static NodeHostRecord? Load(string dataDir)
    {
        try
        {
            return JsonSerializer.Deserialize<NodeHostRecord>(File.ReadAllText(PathIn(dataDir)), Json) is { } record
                ? record with { DataDir = Path.GetFullPath(dataDir) }
                : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }
}
