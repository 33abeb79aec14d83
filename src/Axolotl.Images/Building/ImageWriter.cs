using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Images.Content;
using Axolotl.Images.Oci;

namespace Axolotl.Images.Building;

/// <summary>
/// Writes image configs and manifests over layers already in a store, and the index.json that names
/// images in an OCI image layout. Nulls are left out and the creation time is fixed, so a document
/// has one spelling and one digest.
/// </summary>
public static class ImageWriter
{
    public const string ContainerdImageName = "io.containerd.image.name";
    public const string RefName = "org.opencontainers.image.ref.name";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Stores the config and the manifest of a linux/amd64 image; returns the manifest's descriptor.</summary>
    public static async Task<OciDescriptor> WriteImageAsync(ContentStore store, IReadOnlyList<BuiltLayer> layers, OciContainerConfig config, CancellationToken ct)
    {
        var imageConfig = new OciImageConfig("amd64", "linux", new OciRootFs("layers", [.. layers.Select(l => l.DiffId)]))
        {
            Config = config,
            Created = DateTimeOffset.UnixEpoch,
        };
        var configBytes = JsonSerializer.SerializeToUtf8Bytes(imageConfig, Json);
        var configDigest = await store.WriteAsync(configBytes, ct);
        var manifest = new OciManifest(2, new OciDescriptor(OciMediaTypes.ImageConfig, configDigest, configBytes.Length), [.. layers.Select(l => l.Blob)])
        {
            MediaType = OciMediaTypes.ImageManifest,
        };
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
        var manifestDigest = await store.WriteAsync(manifestBytes, ct);
        return new OciDescriptor(OciMediaTypes.ImageManifest, manifestDigest, manifestBytes.Length);
    }

    /// <summary>
    /// Makes the store's root an OCI image layout: index.json names each image as containerd does
    /// (the full reference) with the tag as ref.name, which skopeo and umoci look up.
    /// </summary>
    public static async Task WriteLayoutIndexAsync(ContentStore store, IReadOnlyList<(string Reference, OciDescriptor Manifest)> images, CancellationToken ct)
    {
        var manifests = images
            .OrderBy(i => i.Reference, StringComparer.Ordinal)
            .Select(i => i.Manifest with
            {
                Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    [ContainerdImageName] = i.Reference,
                    [RefName] = Tag(i.Reference),
                },
            })
            .ToList();
        var index = new OciIndex(2, manifests) { MediaType = OciMediaTypes.ImageIndex };
        await File.WriteAllBytesAsync(Path.Combine(store.Root, "index.json"), JsonSerializer.SerializeToUtf8Bytes(index, Json), ct);
        await File.WriteAllTextAsync(Path.Combine(store.Root, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""", ct);
        if (Directory.Exists(Path.Combine(store.Root, "ingest")) && !Directory.EnumerateFileSystemEntries(Path.Combine(store.Root, "ingest")).Any())
        {
            Directory.Delete(Path.Combine(store.Root, "ingest"));
        }
    }

    private static string Tag(string reference)
    {
        var slash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        return colon > slash ? reference[(colon + 1)..] : "latest";
    }
}
