using System.Text.Json;
using Axolotl.Agent.Runtime;
using Axolotl.Agent.Status;

namespace Axolotl.Agent.Recovery;

/// <summary>What the agent started for one pod, persisted so that a restarted agent re-adopts it.</summary>
public sealed record PodCheckpoint
{
    public required string PodUid { get; init; }

    public PodSandbox? Sandbox { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public List<ContainerCheckpoint> Containers { get; init; } = [];
}

/// <summary>One container's persisted state: its live handle (when running) and the history that feeds its status.</summary>
public sealed record ContainerCheckpoint
{
    public required string Name { get; init; }

    public bool Init { get; init; }

    public int RestartCount { get; init; }

    public ContainerHandle? Handle { get; init; }

    public string? ContainerId { get; init; }

    public string? ImageId { get; init; }

    public string? StartedImage { get; init; }

    public ContainerTermination? Terminated { get; init; }

    public ContainerTermination? LastTermination { get; init; }
}

/// <summary>Reads and writes checkpoints as &lt;dataDir&gt;/pods/&lt;uid&gt;/checkpoint.json (written atomically by rename).</summary>
public sealed class CheckpointStore(string dataDir)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string PathOf(string podUid) => System.IO.Path.Combine(dataDir, "pods", podUid, "checkpoint.json");

    public void Save(PodCheckpoint checkpoint)
    {
        var path = PathOf(checkpoint.PodUid);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(checkpoint, Json));
        File.Move(temp, path, overwrite: true);
    }

    public PodCheckpoint? Load(string podUid)
    {
        var path = PathOf(podUid);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<PodCheckpoint>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The pod UIDs that have a checkpoint (pods the agent had started).</summary>
    public IReadOnlyList<string> PodUids()
    {
        var root = System.IO.Path.Combine(dataDir, "pods");
        return Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Where(d => File.Exists(System.IO.Path.Combine(d, "checkpoint.json"))).Select(System.IO.Path.GetFileName).OfType<string>().ToList()
            : [];
    }

    public void Delete(string podUid)
    {
        var path = PathOf(podUid);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
