using System.Collections.Concurrent;
using Axolotl.Images.Oci;

namespace Axolotl.Images.Snapshots;

/// <summary>
/// Unpacked layers, one read-only directory per chain ID (<c>ROOT/&lt;chain hex&gt;/fs</c>), shared by
/// every image with the same stack of layers, as containerd's overlayfs snapshotter keeps them. A
/// layer is unpacked aside (<c>ROOT/tmp-…</c>) and renamed into place only once its diff_id matched,
/// so no half layer ever has a final name; concurrent requests for one layer unpack it once. The root
/// is 0700: setuid files of images are out of reach of the node's users.
/// </summary>
public sealed class SnapshotStore
{
    private const string TemporaryPrefix = "tmp-";
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _unpacking = new(StringComparer.Ordinal);

    private readonly UnpackSpace _space;

    /// <param name="space">How much of the filesystem layers may fill; null: only <see cref="UnpackSpace.DefaultReserveBytes"/> is kept free.</param>
    public SnapshotStore(string root, UnpackSpace? space = null)
    {
        _space = space ?? new UnpackSpace();
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Root { get; }

    /// <summary>The directory a chain ID's layer is (or would be) unpacked in.</summary>
    public string LayerDirectory(string chainId) => Path.Combine(Root, Digests.Hex(chainId), "fs");

    /// <summary>Unpacks whatever layers are missing, in order, and returns every layer's directory, lowest first.</summary>
    public async Task<IReadOnlyList<string>> PrepareAsync(IReadOnlyList<LayerSource> layers, CancellationToken ct)
    {
        var chain = ChainIds.Of([.. layers.Select(l => l.DiffId)]);
        var directories = new List<string>(layers.Count);
        for (var i = 0; i < layers.Count; i++)
        {
            var final = LayerDirectory(chain[i]);
            if (!Directory.Exists(final))
            {
                var below = directories.AsEnumerable().Reverse().ToList();
                var layer = layers[i];
                var chainId = chain[i];
                var work = _unpacking.GetOrAdd(chainId, _ => new Lazy<Task<string>>(() => Task.Run(() => Unpack(chainId, layer, below))));
                try
                {
                    await work.Value.WaitAsync(ct);
                }
                finally
                {
                    if (work.Value.IsCompleted)
                    {
                        _unpacking.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(chainId, work));
                    }
                }
            }

            directories.Add(final);
        }

        return directories;
    }

    /// <summary>Deletes every layer whose chain ID is not in <paramref name="keep"/>.</summary>
    public void RemoveUnused(IReadOnlySet<string> keep)
    {
        var kept = keep.Where(Digests.IsValid).Select(Digests.Hex).ToHashSet(StringComparer.Ordinal);
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            var name = Path.GetFileName(directory);
            if (!name.StartsWith(TemporaryPrefix, StringComparison.Ordinal) && !kept.Contains(name) && !_unpacking.Keys.Any(k => k.EndsWith(name, StringComparison.Ordinal)))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Unpacks cut short by a crash: at start nothing can still be writing them.</summary>
    public void RemoveTemporaries()
    {
        foreach (var directory in Directory.EnumerateDirectories(Root, TemporaryPrefix + "*"))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private string Unpack(string chainId, LayerSource layer, IReadOnlyList<string> lowersTopFirst)
    {
        var final = Path.Combine(Root, Digests.Hex(chainId));
        var temporary = Path.Combine(Root, TemporaryPrefix + Guid.NewGuid().ToString("N"));
        var fs = Directory.CreateDirectory(Path.Combine(temporary, "fs")).FullName;
        try
        {
            string diffId;
            using (var blob = layer.OpenBlob())
            using (var hashing = new HashingReadStream(LayerStreams.Decompress(blob, layer.Compression)))
            {
                var guard = new UnpackSpaceGuard(_space, Root);
                LayerApplier.Apply(hashing, fs, lowersTopFirst, guard);
                diffId = hashing.Finish();
            }

            if (diffId != layer.DiffId)
            {
                throw new LayerUnpackException($"layer content does not match its diff_id: expected {layer.DiffId}, got {diffId}");
            }

            try
            {
                Directory.Move(temporary, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                // Another process unpacked the same layer first: its copy is as good.
                Directory.Delete(temporary, recursive: true);
            }

            return Path.Combine(final, "fs");
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or UnauthorizedAccessException)
        {
            Directory.Delete(temporary, recursive: true);
            throw new LayerUnpackException($"cannot unpack layer {layer.DiffId}: {e.Message}", e);
        }
        catch (LayerUnpackException e)
        {
            // Nothing of a refused layer stays: not its files, not the space they took.
            Directory.Delete(temporary, recursive: true);
            throw new LayerUnpackException($"failed to extract layer {layer.DiffId}: {e.Message}", e);
        }
        catch
        {
            Directory.Delete(temporary, recursive: true);
            throw;
        }
    }
}
