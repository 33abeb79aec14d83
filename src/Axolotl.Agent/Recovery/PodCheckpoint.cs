using System.Collections.Concurrent;
using System.Text.Json;
using Axolotl.Agent.Status;
using Axolotl.Runtime;

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

    /// <summary>Where the container is on its restart back-off curve (null: no exit recorded yet).</summary>
    public Restart.RestartBackoffState? Backoff { get; init; }
}

/// <summary>
/// Reads and writes checkpoints as &lt;dataDir&gt;/pods/&lt;uid&gt;/checkpoint.json (written atomically by
/// rename). Writes happen behind the caller: a pod's lane saves at every exit and start, and a rename
/// over the old file can take tens of milliseconds while the disk is busy (ext4 flushes the new data
/// first), which a restart must not wait for. Only the newest checkpoint of a pod is written; a read or
/// a delete waits for the write in flight.
/// </summary>
public sealed class CheckpointStore(string dataDir)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, PendingCheckpoint> _pending = new(StringComparer.Ordinal);

    public string PathOf(string podUid) => System.IO.Path.Combine(dataDir, "pods", podUid, "checkpoint.json");

    /// <summary>Serialises now (the caller's state may change next) and writes in the background.</summary>
    public void Save(PodCheckpoint checkpoint)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(checkpoint, Json);
        var pending = _pending.GetOrAdd(checkpoint.PodUid, uid => new PendingCheckpoint(PathOf(uid)));
        if (pending.Offer(bytes))
        {
            _ = Task.Run(pending.Drain);
        }
    }

    public PodCheckpoint? Load(string podUid)
    {
        if (_pending.TryGetValue(podUid, out var pending))
        {
            pending.WriteNow();
        }
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
        if (_pending.TryRemove(podUid, out var pending))
        {
            // Nothing written after this: a write in flight finishes first, then none follows.
            pending.Cancel();
        }
        var path = PathOf(podUid);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>Writes what is still pending (agent shutdown).</summary>
    public void Flush()
    {
        foreach (var pending in _pending.Values)
        {
            pending.WriteNow();
        }
    }
}
