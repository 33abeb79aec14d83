using Axolotl.Images;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Images.Tests;

/// <summary>An agent that died in the middle of a pull: when it starts again nothing half stored is left, and what was whole stays.</summary>
public sealed class InterruptedPullTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("axolotl-interrupted-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_restarted_node_drops_partial_blobs_and_unpacks_and_keeps_its_image_names()
    {
        var options = new ImageServiceOptions { Root = Path.Combine(_root, "image-store") };
        var before = new ImageService(options, TimeProvider.System, NullLogger.Instance);
        before.Records.Put(new Axolotl.Images.Store.ImageRecord("docker.io/library/kept:1", "sha256:" + new string('a', 64), "sha256:" + new string('a', 64),
            "sha256:" + new string('b', 64), 10, DateTimeOffset.UnixEpoch));
        // What a kill leaves mid-pull: a blob being downloaded and a layer being unpacked.
        File.WriteAllText(Path.Combine(before.Content.Root, "ingest", "blob-partial"), "half a layer");
        Directory.CreateDirectory(Path.Combine(before.Snapshots.Root, "tmp-interrupted", "fs", "usr"));

        var after = new ImageService(options, TimeProvider.System, NullLogger.Instance);

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(after.Content.Root, "ingest")));
        Assert.Empty(Directory.EnumerateDirectories(after.Snapshots.Root, "tmp-*"));
        Assert.Empty(after.Content.List());
        Assert.NotNull(after.Records.Find("docker.io/library/kept:1"));
    }
}
