using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Axolotl.Images.Archives;
using Axolotl.Images.Content;
using Axolotl.Images.Oci;

namespace Axolotl.Images.Tests.Archives;

/// <summary>OCI layouts and archives imported into the content store: names, compression, and hostile or broken archives.</summary>
public sealed class ImageArchiveReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axl-archives-").FullName;
    private readonly ContentStore _content;

    public ImageArchiveReaderTests()
    {
        _content = new ContentStore(Path.Combine(_dir, "content"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An OCI layout with one image; returns its directory and manifest digest.</summary>
    private (string Layout, string Manifest, string Layer) Layout(string refName, bool dropLayer = false)
    {
        var layout = Directory.CreateDirectory(Path.Combine(_dir, "layout-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        var blobs = Directory.CreateDirectory(Path.Combine(layout, "blobs", "sha256")).FullName;
        string Put(byte[] content)
        {
            var digest = Digests.Of(content);
            File.WriteAllBytes(Path.Combine(blobs, Digests.Hex(digest)), content);
            return digest;
        }

        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "hello") { DataStream = new MemoryStream("hi"u8.ToArray()) });
        }

        var layer = tar.ToArray();
        var layerDigest = Put(layer);
        var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "amd64", os = "linux", rootfs = new { type = "layers", diff_ids = new[] { layerDigest } } });
        var configDigest = Put(config);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = OciMediaTypes.ImageManifest,
            config = new { mediaType = OciMediaTypes.ImageConfig, digest = configDigest, size = config.Length },
            layers = new[] { new { mediaType = OciMediaTypes.Layer, digest = layerDigest, size = layer.Length } },
        });
        var manifestDigest = Put(manifest);
        File.WriteAllText(Path.Combine(layout, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        File.WriteAllBytes(Path.Combine(layout, "index.json"), JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            manifests = new[] { new { mediaType = OciMediaTypes.ImageManifest, digest = manifestDigest, size = manifest.Length, annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = refName } } },
        }));
        if (dropLayer)
        {
            File.Delete(Path.Combine(blobs, Digests.Hex(layerDigest)));
        }

        return (layout, manifestDigest, layerDigest);
    }

    private string Archive(string layout, bool gzip = false, params (string Name, string Text)[] extra)
    {
        var file = Path.Combine(_dir, Guid.NewGuid().ToString("N") + (gzip ? ".tar.gz" : ".tar"));
        using (var output = File.Create(file))
        using (Stream target = gzip ? new GZipStream(output, CompressionLevel.Fastest) : output)
        using (var writer = new TarWriter(target, leaveOpen: true))
        {
            foreach (var (name, text) in extra)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) });
            }

            foreach (var path in Directory.EnumerateFiles(layout, "*", SearchOption.AllDirectories))
            {
                writer.WriteEntry(path, Path.GetRelativePath(layout, path));
            }
        }

        return file;
    }

    [Fact]
    public async Task A_layout_directory_and_a_gzip_archive_import_under_the_annotated_name()
    {
        var (layout, manifest, layer) = Layout("example.com/team/app:1.0");
        var fromDirectory = Assert.Single(await ImageArchiveReader.ImportAsync(layout, _content, null, CancellationToken.None));
        Assert.Equal(new ImportedImage("example.com/team/app:1.0", manifest, null), fromDirectory);
        Assert.True(_content.Contains(layer));

        var fromArchive = Assert.Single(await ImageArchiveReader.ImportAsync(Archive(layout, gzip: true), new ContentStore(Path.Combine(_dir, "other")), null, CancellationToken.None));
        Assert.Equal(manifest, fromArchive.ManifestDigest);
    }

    [Fact]
    public async Task A_bare_tag_needs_a_repository_and_takes_it()
    {
        var (layout, _, _) = Layout("2.1");
        var e = await Assert.ThrowsAsync<ImageImportException>(() => ImageArchiveReader.ImportAsync(layout, _content, null, CancellationToken.None));
        Assert.Contains("give --name", e.Message, StringComparison.Ordinal);
        Assert.Equal("registry.local/tools/app:2.1", Assert.Single(await ImageArchiveReader.ImportAsync(layout, _content, "registry.local/tools/app", CancellationToken.None)).Name);
    }

    [Fact]
    public async Task Hostile_or_broken_archives_import_nothing_and_write_nowhere_else()
    {
        var marker = "axl-archive-escape-" + Guid.NewGuid().ToString("N")[..8];
        var (layout, _, _) = Layout("example.com/evil/app:1", dropLayer: true);
        var archive = Archive(layout, extra: ($"../../../../tmp/{marker}", "escaped"));
        var e = await Assert.ThrowsAsync<ImageImportException>(() => ImageArchiveReader.ImportAsync(archive, _content, null, CancellationToken.None));
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists($"/tmp/{marker}"));

        var notAnArchive = Path.Combine(_dir, "notes.tar");
        await File.WriteAllTextAsync(notAnArchive, "just text, not a tar");
        await Assert.ThrowsAsync<ImageImportException>(() => ImageArchiveReader.ImportAsync(notAnArchive, _content, null, CancellationToken.None));

        var (good, _, layer) = Layout("example.com/tampered/app:1");
        await File.WriteAllTextAsync(Path.Combine(good, "blobs", "sha256", Digests.Hex(layer)), "tampered");
        await Assert.ThrowsAnyAsync<Exception>(() => ImageArchiveReader.ImportAsync(Archive(good), _content, null, CancellationToken.None));
        Assert.False(_content.Contains(layer));
    }
}
