using Axolotl.Images;
using Axolotl.Images.Building;
using Axolotl.Images.Content;
using Axolotl.Images.Oci;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Images.Tests;

/// <summary>
/// The node's bundled images (the seed images the build makes): in airgap mode their names are imported
/// at start and answer pulls without a network, layers read from the layout when first needed; online,
/// they are forgotten and every name is asked of its registry.
/// </summary>
public sealed class BundledImagesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("axolotl-bundled-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task In_airgap_mode_an_Always_pull_of_a_bundled_image_resolves_on_the_node_and_reads_its_layer_from_the_layout()
    {
        var images = await NodeWithLayoutAsync();
        var pulling = 0;

        var result = await images.EnsureAsync("busybox:1.36", "Always", _ => Task.FromResult<IReadOnlyList<Axolotl.Images.Distribution.RegistryCredential>>([]), () => pulling++, CancellationToken.None);

        Assert.True(result.Resolution.Succeeded, result.Resolution.Message);
        Assert.Equal(1, pulling);
        Assert.NotNull(result.Pull);
        Assert.StartsWith("docker.io/library/busybox@sha256:", result.Resolution.Image!.ImageId, StringComparison.Ordinal);
        // The layer stayed in the layout: the content store holds only the documents.
        var manifest = System.Text.Json.JsonSerializer.Deserialize<OciManifest>(await images.Content.ReadAllAsync(images.Records.Find("docker.io/library/busybox:1.36")!.ManifestDigest, CancellationToken.None))!;
        Assert.False(images.Content.Contains(manifest.Layers[0].Digest));
        var layerDir = Assert.Single(result.Resolution.Image.Root!.LayersLowestFirst);
        Assert.StartsWith("root:x:0:0:root:/root:/bin/sh\n", File.ReadAllText(Path.Combine(layerDir, "etc", "passwd")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("busybox:9.9", "docker.io/library/busybox:9.9")]
    [InlineData("nosuchimage:v1", "docker.io/library/nosuchimage:v1")]
    [InlineData("registry.k8s.io/nothing:1", "registry.k8s.io/nothing:1")]
    public async Task In_airgap_mode_a_name_the_node_does_not_hold_fails_saying_so(string image, string canonical)
    {
        var images = await NodeWithLayoutAsync();
        var pulling = 0;

        var result = await images.EnsureAsync(image, "IfNotPresent", _ => Task.FromResult<IReadOnlyList<Axolotl.Images.Distribution.RegistryCredential>>([]), () => pulling++, CancellationToken.None);

        Assert.Equal(ImageResolution.ErrImagePull, result.Resolution.Reason);
        Assert.Equal($"rpc error: code = NotFound desc = failed to pull and unpack image \"{canonical}\": airgap mode (--airgap): no registry is contacted and this node's image store has no \"{canonical}\"; "
            + "import it with `axolotl images import FILE` (a docker save or OCI archive), or put the archive in the node's airgap folder (DATA/agent/images/) and restart the node",
            result.Resolution.Message);
        Assert.Equal(1, pulling);
    }

    [Fact]
    public async Task Online_the_bundled_stand_ins_are_forgotten_and_a_docker_io_name_is_asked_of_its_registry()
    {
        var layout = await BuildLayoutAsync();
        var root = Path.Combine(_root, "node", "image-store");
        // An airgap run first: the stand-in is the node's busybox:1.36.
        var airgap = Node(layout);
        await airgap.ImportAirgapAsync(Path.Combine(_root, "airgap"), CancellationToken.None);
        Assert.True(airgap.Records.Find("docker.io/library/busybox:1.36")!.Bundled);

        using var registry = new Distribution.FakeRegistry();
        var (manifest, _) = registry.PublishImage("library/busybox", "1.36", "from the registry");
        var hosts = Axolotl.Images.Distribution.RegistryHosts.FromJson(System.Text.Json.Nodes.JsonNode.Parse("{\"mirrors\": {\"docker.io\": {\"endpoint\": [\"http://" + registry.Host + "\"]}}}"));
        var online = new ImageService(new ImageServiceOptions { Root = root, BundledLayouts = [layout], Registries = hosts }, TimeProvider.System, NullLogger.Instance);
        await online.ImportAirgapAsync(Path.Combine(_root, "airgap"), CancellationToken.None);
        Assert.Null(online.Records.Find("docker.io/library/busybox:1.36"));

        var result = await online.EnsureAsync("busybox:1.36", "IfNotPresent", _ => Task.FromResult<IReadOnlyList<Axolotl.Images.Distribution.RegistryCredential>>([]), () => { }, CancellationToken.None);

        Assert.True(result.Resolution.Succeeded, result.Resolution.Message);
        Assert.Equal(1, registry.Count("GET /v2/library/busybox/manifests/1.36"));
        var pulled = online.Records.Find("docker.io/library/busybox:1.36")!;
        Assert.Equal(manifest, pulled.ManifestDigest);
        Assert.False(pulled.Bundled);

        // Back in airgap mode the pulled image stays: a stand-in never replaces a real image.
        var again = Node(layout);
        await again.ImportAirgapAsync(Path.Combine(_root, "airgap"), CancellationToken.None);
        Assert.Equal(manifest, again.Records.Find("docker.io/library/busybox:1.36")!.ManifestDigest);
    }

    [Fact]
    public async Task Online_a_failed_pull_of_a_name_the_build_bundles_says_that_airgap_mode_uses_the_stand_in()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var name = $"127.0.0.1:{port}/axolotl/http-hello:latest";
        var online = Node(await BuildLayoutAsync(imageName: name), airgap: false);
        await online.ImportAirgapAsync(Path.Combine(_root, "airgap"), CancellationToken.None);

        var result = await online.EnsureAsync(name, "IfNotPresent", _ => Task.FromResult<IReadOnlyList<Axolotl.Images.Distribution.RegistryCredential>>([]), () => { }, CancellationToken.None);

        Assert.Equal(ImageResolution.ErrImagePull, result.Resolution.Reason);
        Assert.EndsWith($"connect: connection refused (this build bundles a stand-in for \"{name}\", which a node started with --airgap uses instead of any registry)",
            result.Resolution.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Online_a_stand_in_an_older_build_imported_unmarked_is_forgotten_too()
    {
        var layout = await BuildLayoutAsync();
        var airgap = Node(layout);
        await airgap.ImportAirgapAsync(Path.Combine(_root, "airgap"), CancellationToken.None);
        var record = airgap.Records.Find("docker.io/library/busybox:1.36")!;
        airgap.Records.Put(record with { Bundled = false });

        var online = Node(layout, airgap: false);
        await online.ImportAirgapAsync(Path.Combine(_root, "airgap"), CancellationToken.None);

        Assert.Null(online.Records.Find("docker.io/library/busybox:1.36"));
    }

    [Fact]
    public async Task A_bundled_layout_is_imported_once_and_a_missing_layer_is_refused()
    {
        var layout = await BuildLayoutAsync();
        var images = Node(layout);
        await images.ImportAirgapAsync(Path.Combine(_root, "airgap"), CancellationToken.None);
        Assert.NotNull(images.Records.Find("docker.io/library/busybox:1.36"));

        // A layout whose layer is gone is not imported at all.
        var broken = await BuildLayoutAsync("broken");
        foreach (var blob in Directory.EnumerateFiles(Path.Combine(broken, "blobs", "sha256")).Where(f => new FileInfo(f).Length > 1024))
        {
            File.Delete(blob);
        }

        var other = Node(broken, "other");
        await other.ImportAirgapAsync(Path.Combine(_root, "airgap"), CancellationToken.None);
        Assert.Empty(other.Records.All());
    }

    [Fact]
    public async Task Layers_are_reproducible_and_refuse_paths_outside_the_image()
    {
        var store = new ContentStore(Path.Combine(_root, "store"));
        LayerEntry[] entries = [LayerEntry.File("/b", "2"), LayerEntry.Directory("/a"), LayerEntry.File("/a/x", "1")];
        var first = await LayerWriter.WriteAsync(store, entries, LayerCompression.Gzip, CancellationToken.None);
        var second = await LayerWriter.WriteAsync(store, [.. entries.Reverse()], LayerCompression.Gzip, CancellationToken.None);
        Assert.Equal(first, second);

        await Assert.ThrowsAsync<ArgumentException>(() => LayerWriter.WriteAsync(store, [LayerEntry.File("/a/../../etc/x", "1")], LayerCompression.None, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => LayerWriter.WriteAsync(store, [LayerEntry.File("/a", "1"), LayerEntry.File("a/", "2")], LayerCompression.None, CancellationToken.None));
    }

    [Fact]
    public async Task A_layer_carries_no_time_or_process_of_the_build_and_keeps_long_names()
    {
        var store = new ContentStore(Path.Combine(_root, "store"));
        var longName = "/usr/lib/" + new string('x', 150) + "/lib.so";
        var layer = await LayerWriter.WriteAsync(store, [LayerEntry.File(longName, "elf"), LayerEntry.Symlink("/bin", "usr/bin")], LayerCompression.None, CancellationToken.None);

        var bytes = await File.ReadAllBytesAsync(store.BlobPath(layer.Blob.Digest));
        Assert.DoesNotContain("PaxHeaders", System.Text.Encoding.ASCII.GetString(bytes), StringComparison.Ordinal);
        using var reader = new System.Formats.Tar.TarReader(new MemoryStream(bytes));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
            Assert.Equal(DateTimeOffset.UnixEpoch, entry.ModificationTime);
            var gnu = Assert.IsType<System.Formats.Tar.GnuTarEntry>(entry);
            Assert.Equal(DateTimeOffset.UnixEpoch, gnu.AccessTime);
            Assert.Equal(DateTimeOffset.UnixEpoch, gnu.ChangeTime);
        }

        Assert.Contains(longName.TrimStart('/'), names);
    }

    private async Task<ImageService> NodeWithLayoutAsync()
    {
        var images = Node(await BuildLayoutAsync());
        await images.ImportAirgapAsync(Path.Combine(_root, "airgap"), CancellationToken.None);
        return images;
    }

    private ImageService Node(string layout, string name = "node", bool airgap = true) =>
        new(new ImageServiceOptions { Root = Path.Combine(_root, name, "image-store"), BundledLayouts = [layout], Airgap = airgap }, TimeProvider.System, NullLogger.Instance);

    private async Task<string> BuildLayoutAsync(string name = "layout", string imageName = "docker.io/library/busybox:1.36")
    {
        var store = new ContentStore(Path.Combine(_root, name));
        var layer = await LayerWriter.WriteAsync(store, [LayerEntry.File("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n" + new string('#', 2048) + "\n")], LayerCompression.None, CancellationToken.None);
        var manifest = await ImageWriter.WriteImageAsync(store, [layer], new OciContainerConfig { Cmd = ["sh"] }, CancellationToken.None);
        await ImageWriter.WriteLayoutIndexAsync(store, [(imageName, manifest)], CancellationToken.None);
        return store.Root;
    }
}
