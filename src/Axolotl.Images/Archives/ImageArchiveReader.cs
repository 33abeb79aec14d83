using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Images.Content;
using Axolotl.Images.Distribution;
using Axolotl.Images.Oci;
using Axolotl.Images.Snapshots;

namespace Axolotl.Images.Archives;

/// <summary>
/// Imports images, offline, from what `ctr images import` and k3s's airgap folder accept: an OCI
/// image layout directory, an OCI archive (a tar of one, as `skopeo copy … oci-archive:` writes),
/// or a `docker save` tarball (manifest.json with RepoTags), plain, gzip or zstd compressed. The tar
/// is read once, as a stream: blobs go straight into the content store (which checks each against
/// its name), the small JSON documents are kept; nothing is named until every blob an image needs
/// is stored. Names come from the index's <c>io.containerd.image.name</c> or
/// <c>org.opencontainers.image.ref.name</c> annotation (a bare tag takes the caller's repository) or
/// docker's RepoTags. Anything else in the tar is ignored.
/// </summary>
public static class ImageArchiveReader
{
    private const int MaxDocument = 4 * 1024 * 1024;
    private const long MaxBlob = 64L * 1024 * 1024 * 1024;
    private const string ContainerdName = "io.containerd.image.name";
    private const string RefName = "org.opencontainers.image.ref.name";

    /// <param name="repository">Names an image whose archive gives only a tag (REPO) or no name at all (REPO:TAG).</param>
    /// <param name="layersInPlace">
    /// For a layout directory: store its indexes, manifests and configs but leave the layers there (they
    /// must exist with their declared size; unpacking reads and verifies them). The node's bundled images.
    /// </param>
    public static async Task<IReadOnlyList<ImportedImage>> ImportAsync(string path, ContentStore content, string? repository, CancellationToken ct, bool layersInPlace = false)
    {
        if (Directory.Exists(path))
        {
            return await ImportLayoutAsync(path, content, repository, layersInPlace, ct);
        }

        if (!File.Exists(path))
        {
            throw new ImageImportException($"{path}: no such file or directory");
        }

        var documents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var byPath = new Dictionary<string, (string Digest, long Size)>(StringComparer.Ordinal);
        try
        {
            await using var file = File.OpenRead(path);
            await using var tar = Decompress(file, path);
            using var reader = new TarReader(tar);
            while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }

                var name = string.Join('/', LayerApplier.Clean(entry.Name));
                if (name is "index.json" or "oci-layout" or "manifest.json" or "repositories")
                {
                    documents[name] = await ReadDocumentAsync(entry.DataStream, name, ct);
                }
                else if (name.StartsWith("blobs/sha256/", StringComparison.Ordinal) && Digests.IsValid("sha256:" + name[13..]))
                {
                    var digest = "sha256:" + name[13..];
                    await content.WriteAsync(digest, entry.Length, entry.DataStream, ct);
                    byPath[name] = (digest, entry.Length);
                }
                else if (name.EndsWith(".tar", StringComparison.Ordinal) || (name.EndsWith(".json", StringComparison.Ordinal) && !name.Contains('/', StringComparison.Ordinal)))
                {
                    // docker save's form (ID/layer.tar, or HEX.tar as skopeo writes it): layers and the config named by path, not by digest.
                    byPath[name] = await content.WriteUnknownAsync(entry.DataStream, MaxBlob, ct);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ContentVerificationException)
        {
            throw new ImageImportException($"{path}: not a readable image archive: {e.Message}", e);
        }

        if (documents.TryGetValue("index.json", out var index))
        {
            return await NameIndexAsync(index, content, repository, path, ct);
        }

        if (documents.TryGetValue("manifest.json", out var manifest))
        {
            return await NameDockerSaveAsync(manifest, byPath, content, path, ct);
        }

        throw new ImageImportException($"{path}: neither an OCI archive (index.json) nor a docker save tarball (manifest.json)");
    }

    private static Stream Decompress(Stream file, string path)
    {
        var magic = new byte[4];
        var n = file.Read(magic, 0, 4);
        file.Position = 0;
        if (n >= 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            return new GZipStream(file, CompressionMode.Decompress);
        }

        if (n == 4 && magic[0] == 0x28 && magic[1] == 0xB5 && magic[2] == 0x2F && magic[3] == 0xFD)
        {
            return new ZstdDecompressionStream(file);
        }

        return path.EndsWith(".tar", StringComparison.Ordinal) || n > 0 ? file : throw new ImageImportException($"{path} is empty");
    }

    private static async Task<IReadOnlyList<ImportedImage>> ImportLayoutAsync(string directory, ContentStore content, string? repository, bool layersInPlace, CancellationToken ct)
    {
        var indexPath = Path.Combine(directory, "index.json");
        if (!File.Exists(Path.Combine(directory, "oci-layout")) || !File.Exists(indexPath) || new FileInfo(indexPath).Length > MaxDocument)
        {
            throw new ImageImportException($"{directory} is not an OCI image layout (oci-layout and index.json)");
        }

        var index = await File.ReadAllBytesAsync(indexPath, ct);
        // Every blob the layout's images need is copied (and verified) into the store first.
        return await NameIndexAsync(index, content, repository, directory, ct, async (digest, size) =>
        {
            var blob = Path.Combine(directory, "blobs", "sha256", Digests.Hex(digest));
            if (!File.Exists(blob))
            {
                throw new ImageImportException($"{directory}: blob {digest} is missing");
            }

            await using var stream = File.OpenRead(blob);
            await content.WriteAsync(digest, size, stream, ct);
        }, layersInPlace ? (digest, size) => LayoutBlobSize(directory, digest) == size : null);
    }

    /// <summary>The size of a layout's blob, or null when it has none by that digest.</summary>
    public static long? LayoutBlobSize(string directory, string digest)
    {
        if (!Digests.IsValid(digest))
        {
            return null;
        }

        var blob = new FileInfo(Path.Combine(directory, "blobs", "sha256", Digests.Hex(digest)));
        return blob.Exists ? blob.Length : null;
    }

    private static async Task<IReadOnlyList<ImportedImage>> NameIndexAsync(byte[] indexJson, ContentStore content, string? repository, string source,
        CancellationToken ct, Func<string, long, Task>? fetch = null, Func<string, long, bool>? layerInPlace = null)
    {
        var index = Parse<OciIndex>(indexJson, source, "index.json");
        var images = new List<ImportedImage>();
        foreach (var descriptor in index.Manifests ?? [])
        {
            var name = NameOf(descriptor, repository)
                ?? throw new ImageImportException($"{source}: image {descriptor.Digest} has no name (no {ContainerdName} or {RefName} annotation): give --name");
            if (!Digests.IsValid(descriptor.Digest))
            {
                throw new ImageImportException($"{source}: invalid digest \"{descriptor.Digest}\"");
            }

            await Require(descriptor.Digest, descriptor.Size);
            string manifestDigest = descriptor.Digest;
            string? indexDigest = null;
            if (OciMediaTypes.IsIndex(descriptor.MediaType))
            {
                var inner = Parse<OciIndex>(await content.ReadAllAsync(descriptor.Digest, ct), source, descriptor.Digest);
                OciDescriptor chosen;
                try
                {
                    chosen = PlatformChoice.Choose(inner, name);
                }
                catch (ImagePullException e)
                {
                    throw new ImageImportException($"{source}: {e.Message}", e);
                }

                await Require(chosen.Digest, chosen.Size);
                indexDigest = descriptor.Digest;
                manifestDigest = chosen.Digest;
            }

            var manifest = Parse<OciManifest>(await content.ReadAllAsync(manifestDigest, ct), source, manifestDigest);
            await Require(manifest.Config.Digest, manifest.Config.Size);
            foreach (var layer in manifest.Layers)
            {
                if (OciMediaTypes.CompressionOf(layer.MediaType) is null)
                {
                    throw new ImageImportException($"{source}: layer {layer.Digest} has an unsupported media type {layer.MediaType}");
                }

                if (layerInPlace is not null)
                {
                    if (!layerInPlace(layer.Digest, layer.Size))
                    {
                        throw new ImageImportException($"{source}: blob {layer.Digest} is missing or not {layer.Size} bytes");
                    }

                    continue;
                }

                await Require(layer.Digest, layer.Size);
            }

            images.Add(new ImportedImage(name, manifestDigest, indexDigest));
        }

        return images;

        async Task Require(string digest, long size)
        {
            if (!Digests.IsValid(digest))
            {
                throw new ImageImportException($"{source}: invalid digest \"{digest}\"");
            }

            if (!content.Contains(digest) && fetch is not null)
            {
                await fetch(digest, size);
            }

            if (content.SizeOf(digest) is not { } stored || stored != size)
            {
                throw new ImageImportException($"{source}: blob {digest} is missing or not {size} bytes");
            }
        }
    }

    /// <summary>The names a layout's index gives its images (unnamed ones left out); none for a missing or unreadable index.</summary>
    public static IReadOnlySet<string> LayoutNames(string directory)
    {
        var indexPath = Path.Combine(directory, "index.json");
        try
        {
            if (!File.Exists(indexPath) || new FileInfo(indexPath).Length > MaxDocument
                || JsonSerializer.Deserialize<OciIndex>(File.ReadAllBytes(indexPath)) is not { Manifests: { } manifests })
            {
                return new HashSet<string>();
            }

            return manifests.Select(m => NameOf(m, null)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return new HashSet<string>();
        }
    }

    /// <summary>The image's name: a full reference from the annotations, or a bare tag under the caller's repository.</summary>
    private static string? NameOf(OciDescriptor descriptor, string? repository)
    {
        var annotations = descriptor.Annotations ?? new Dictionary<string, string>();
        if (annotations.TryGetValue(ContainerdName, out var full) && ImageReference.TryParse(full, out var parsed))
        {
            return parsed.Canonical;
        }

        if (annotations.TryGetValue(RefName, out var refName) && refName.Length > 0)
        {
            if ((refName.Contains('/', StringComparison.Ordinal) || refName.Contains(':', StringComparison.Ordinal)) && ImageReference.TryParse(refName, out var named))
            {
                return named.Canonical;
            }

            if (repository is not null && ImageReference.TryParse($"{StripTag(repository)}:{refName}", out var tagged))
            {
                return tagged.Canonical;
            }
        }

        return repository is not null && ImageReference.TryParse(repository, out var given) ? given.Canonical : null;
    }

    private static string StripTag(string repository)
    {
        var colon = repository.LastIndexOf(':');
        return colon > repository.LastIndexOf('/') ? repository[..colon] : repository;
    }

    private static async Task<IReadOnlyList<ImportedImage>> NameDockerSaveAsync(byte[] manifestJson, Dictionary<string, (string Digest, long Size)> byPath,
        ContentStore content, string source, CancellationToken ct)
    {
        JsonArray entries;
        try
        {
            entries = JsonNode.Parse(manifestJson) as JsonArray ?? throw new ImageImportException($"{source}: manifest.json is not a list");
        }
        catch (JsonException e)
        {
            throw new ImageImportException($"{source}: manifest.json: {e.Message}", e);
        }

        var images = new List<ImportedImage>();
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var config = Blob(entry["Config"]?.GetValue<string>(), byPath, source);
            var layers = (entry["Layers"] as JsonArray ?? []).Select(l => Blob(l?.GetValue<string>(), byPath, source)).ToList();
            var manifest = new OciManifest(2, new OciDescriptor(OciMediaTypes.ImageConfig, config.Digest, config.Size),
                [.. layers.Select(l => new OciDescriptor(OciMediaTypes.Layer, l.Digest, l.Size))])
            {
                MediaType = OciMediaTypes.ImageManifest,
            };
            var manifestDigest = await content.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson), ct);
            var tags = (entry["RepoTags"] as JsonArray ?? []).Select(t => t?.GetValue<string>()).OfType<string>().ToList();
            if (tags.Count == 0)
            {
                throw new ImageImportException($"{source}: an image has no RepoTags: give --name");
            }

            foreach (var tag in tags)
            {
                images.Add(ImageReference.TryParse(tag, out var reference)
                    ? new ImportedImage(reference.Canonical, manifestDigest, null)
                    : throw new ImageImportException($"{source}: invalid name \"{tag}\""));
            }
        }

        return images;
    }

    private static readonly JsonSerializerOptions ManifestJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static (string Digest, long Size) Blob(string? path, Dictionary<string, (string Digest, long Size)> byPath, string source)
    {
        var name = path is null ? "" : string.Join('/', LayerApplier.Clean(path));
        return byPath.TryGetValue(name, out var blob) ? blob : throw new ImageImportException($"{source}: {path} is named in manifest.json but not in the archive");
    }

    private static async Task<byte[]> ReadDocumentAsync(Stream stream, string name, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > MaxDocument)
            {
                throw new ImageImportException($"{name} is larger than {MaxDocument} bytes");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static T Parse<T>(byte[] json, string source, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new ImageImportException($"{source}: {what} is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }
}
