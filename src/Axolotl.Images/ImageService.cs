using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Axolotl.Images.Archives;
using Axolotl.Images.Content;
using Axolotl.Images.Distribution;
using Axolotl.Images.Oci;
using Axolotl.Images.Snapshots;
using Axolotl.Images.Store;
using Microsoft.Extensions.Logging;

namespace Axolotl.Images;

/// <summary>
/// The node's images, as the kubelet's image manager over containerd: the pull policy decides whether
/// the registry is asked, a pull stores verified blobs and unpacks the layers once, and the result is
/// what a container runs (its config and its layers). Online (the default) a reference's registry is
/// asked, through the registries file's mirrors; in airgap mode no registry is contacted and a name
/// resolves only from the node's store, the bundled seed images among them (ADR 0007).
/// </summary>
public sealed partial class ImageService
{
    private readonly ImagePuller _puller;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, Lazy<Task<PreparedImage>>> _prepared = new(StringComparer.Ordinal);
    private readonly Lazy<HashSet<string>> _bundledNames;

    public ImageService(ImageServiceOptions options, TimeProvider time, ILogger log)
    {
        Options = options;
        _time = time;
        _log = log;
        Content = new ContentStore(Path.Combine(options.Root, "content"));
        Content.RemoveIngests();
        Snapshots = new SnapshotStore(Path.Combine(options.Root, "snapshots"), options.UnpackSpace);
        Snapshots.RemoveTemporaries();
        Records = new ImageRecordStore(Path.Combine(options.Root, "images.json"));
        _bundledNames = new(() => options.BundledLayouts.SelectMany(ImageArchiveReader.LayoutNames).ToHashSet(StringComparer.Ordinal));
        _puller = new ImagePuller(Content, options.Registries, options.NodeCredentials, timeouts: options.RegistryTimeouts);
    }

    public ImageServiceOptions Options { get; }

    public ContentStore Content { get; }

    public SnapshotStore Snapshots { get; }

    public ImageRecordStore Records { get; }

    /// <summary>
    /// Makes <paramref name="image"/> ready to run under <paramref name="pullPolicy"/> (already defaulted
    /// by the API: Always for :latest or no tag, else IfNotPresent).
    /// </summary>
    public async Task<ImageEnsureResult> EnsureAsync(string image, string? pullPolicy, Func<CancellationToken, Task<IReadOnlyList<RegistryCredential>>> credentials, Action onPulling, CancellationToken ct)
    {
        if (!ImageReference.TryParse(image, out var reference))
        {
            return ImageEnsureResult.Failed(image, ImageResolution.InvalidImageName, ImagePullMessages.InvalidName(image));
        }

        var record = Records.Find(reference.Canonical);
        if (record is not null && pullPolicy != "Always")
        {
            Records.Touch(record.Name, _time.GetUtcNow());
            try
            {
                return ImageEnsureResult.Present(image, await ResolveAsync(reference, record, ct));
            }
            catch (Exception e) when (e is LayerUnpackException or ContentVerificationException or IOException or JsonException)
            {
                // Present but broken (a truncated or missing blob): the kubelet pulls nothing here, and containerd's
                // container creation fails, so the container waits in CreateContainerError rather than looking created.
                _log.LogWarning(e, "preparing {Image} failed", reference.Canonical);
                return ImageEnsureResult.Failed(image, ImageEnsureResult.CreateContainerError,
                    $"failed to create containerd container: failed to prepare the rootfs of image \"{reference.Canonical}\": {e.Message}");
            }
        }

        if (record is null && pullPolicy == "Never")
        {
            return ImageEnsureResult.Failed(image, ImageEnsureResult.ErrImageNeverPull, $"Container image \"{image}\" is not present with pull policy of Never");
        }

        if (Options.Airgap)
        {
            return await ResolveInAirgapAsync(image, reference, record, onPulling, ct);
        }

        onPulling();
        var began = _time.GetTimestamp();
        try
        {
            var pulled = await _puller.PullAsync(reference, await credentials(ct), ct);
            record = new ImageRecord(reference.Canonical, pulled.RepoDigest, pulled.ManifestDigest, pulled.ConfigDigest, pulled.Size, _time.GetUtcNow());
            var prepared = await PrepareAsync(record, ct);
            Records.Put(record);
            var took = _time.GetElapsedTime(began);
            return ImageEnsureResult.Pulled(image, ToResolved(reference, record, prepared), took, took, record.Size);
        }
        catch (ImagePullException e)
        {
            return ImageEnsureResult.Failed(image, ImageResolution.ErrImagePull, PullErrorMessage(reference, e) + StandInHint(reference));
        }
        catch (Exception e) when (e is LayerUnpackException or ContentVerificationException or IOException or JsonException)
        {
            _log.LogWarning(e, "pulling {Image} failed", reference.Canonical);
            return ImageEnsureResult.Failed(image, ImageResolution.ErrImagePull,
                $"rpc error: code = Unknown desc = failed to pull and unpack image \"{reference.Canonical}\": {e.Message}");
        }
    }

    /// <summary>
    /// A pull in airgap mode (also under Always): the node's store answers it, and a name the store does
    /// not hold fails with a message that says so and how to import it; no registry is contacted.
    /// </summary>
    private async Task<ImageEnsureResult> ResolveInAirgapAsync(string image, ImageReference reference, ImageRecord? record, Action onPulling, CancellationToken ct)
    {
        onPulling();
        if (record is null)
        {
            return ImageEnsureResult.Failed(image, ImageResolution.ErrImagePull, ImagePullMessages.NotInAirgapStore(reference));
        }

        var began = _time.GetTimestamp();
        try
        {
            var resolved = await ResolveAsync(reference, record, ct);
            Records.Touch(record.Name, _time.GetUtcNow());
            var took = _time.GetElapsedTime(began);
            return ImageEnsureResult.Pulled(image, resolved, took, took, record.Size);
        }
        catch (Exception e) when (e is LayerUnpackException or ContentVerificationException or IOException or JsonException)
        {
            _log.LogWarning(e, "preparing {Image} failed", reference.Canonical);
            return ImageEnsureResult.Failed(image, ImageResolution.ErrImagePull,
                $"rpc error: code = Unknown desc = failed to pull and unpack image \"{reference.Canonical}\": {e.Message}");
        }
    }

    /// <summary>
    /// Stores every image of an archive or OCI layout (ImageArchiveReader) and names it; an image the
    /// archive does not name takes <paramref name="name"/>. Throws <see cref="ImageImportException"/>.
    /// </summary>
    public async Task<IReadOnlyList<ImageRecord>> ImportAsync(string path, string? name, CancellationToken ct, bool layersInPlace = false) =>
        await ImportAsync(path, name, bundled: false, layersInPlace, ct);

    /// <param name="bundled">The build's seed layout: its names are marked stand-ins and never replace a name pulled or imported by a user.</param>
    private async Task<IReadOnlyList<ImageRecord>> ImportAsync(string path, string? name, bool bundled, bool layersInPlace, CancellationToken ct)
    {
        var records = new List<ImageRecord>();
        foreach (var image in await ImageArchiveReader.ImportAsync(path, Content, name, ct, layersInPlace))
        {
            if (bundled && Records.Find(image.Name) is { Bundled: false })
            {
                continue;
            }

            var manifest = JsonSerializer.Deserialize<OciManifest>(await Content.ReadAllAsync(image.ManifestDigest, ct))
                ?? throw new ImageImportException($"manifest {image.ManifestDigest} is empty");
            var record = new ImageRecord(image.Name, image.IndexDigest ?? image.ManifestDigest, image.ManifestDigest, manifest.Config.Digest,
                manifest.Config.Size + manifest.Layers.Sum(l => l.Size), _time.GetUtcNow()) { Bundled = bundled };
            records.Add(record);
        }

        Records.PutAll(records);
        return records;
    }

    /// <summary>Forgets a name (its blobs stay until <see cref="RemoveUnreferencedContent"/>).</summary>
    public bool Remove(string name) => Records.Remove(name);

    /// <summary>Deletes the unpacked layers of images neither named nor used since the agent started.</summary>
    public void RemoveUnusedSnapshots()
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in Records.All())
        {
            if (Content.Contains(record.ConfigDigest)
                && JsonSerializer.Deserialize<OciImageConfig>(File.ReadAllBytes(Content.BlobPath(record.ConfigDigest))) is { } config)
            {
                keep.UnionWith(ChainIds.Of(config.RootFs.DiffIds));
            }
        }

        foreach (var prepared in _prepared.Values.Where(p => p.IsValueCreated && p.Value.IsCompletedSuccessfully))
        {
            keep.UnionWith(ChainIds.Of(prepared.Value.Result.Config.RootFs.DiffIds));
        }

        Snapshots.RemoveUnused(keep);
    }

    /// <summary>Deletes every blob no image name refers to (its index, manifest, config or layers).</summary>
    public void RemoveUnreferencedContent()
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in Records.All())
        {
            keep.Add(record.RepoDigest);
            keep.Add(record.ManifestDigest);
            keep.Add(record.ConfigDigest);
            if (Content.Contains(record.ManifestDigest)
                && JsonSerializer.Deserialize<OciManifest>(File.ReadAllBytes(Content.BlobPath(record.ManifestDigest))) is { } manifest)
            {
                keep.UnionWith(manifest.Layers.Select(l => l.Digest));
            }
        }

        foreach (var digest in Content.List().Where(d => !keep.Contains(d)).ToList())
        {
            Content.Delete(digest);
        }
    }

    /// <summary>What the Node's status.images lists: every image once, with all its names, largest first (the kubelet keeps 50).</summary>
    public List<Api.Core.ContainerImage> NodeImages(int max = 50) =>
    [
        .. Records.All()
            .GroupBy(r => r.ConfigDigest, StringComparer.Ordinal)
            .Select(g => new Api.Core.ContainerImage
            {
                Names = [.. g.Select(r => $"{Repository(r.Name)}@{r.RepoDigest}").Distinct(StringComparer.Ordinal), .. g.Select(r => r.Name).Where(n => !n.Contains('@', StringComparison.Ordinal))],
                SizeBytes = g.Max(r => r.Size),
            })
            .OrderByDescending(i => i.SizeBytes)
            .Take(max),
    ];

    /// <summary>
    /// Whether a start of <paramref name="image"/> under <paramref name="pullPolicy"/> asks no registry
    /// (what is stored decides): any policy but Always, a digest, or airgap mode.
    /// </summary>
    public bool StartsWithoutRegistry(string image, string? pullPolicy) =>
        ImageReference.TryParse(image, out var reference)
        && (pullPolicy != "Always" || reference.Digest is not null || Options.Airgap);

    private async Task<ResolvedImage> ResolveAsync(ImageReference reference, ImageRecord record, CancellationToken ct) =>
        ToResolved(reference, record, await PrepareAsync(record, ct));

    private Task<PreparedImage> PrepareAsync(ImageRecord record, CancellationToken ct)
    {
        var lazy = _prepared.GetOrAdd(record.ManifestDigest, _ => new Lazy<Task<PreparedImage>>(() => UnpackAsync(record)));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            _prepared.TryRemove(new KeyValuePair<string, Lazy<Task<PreparedImage>>>(record.ManifestDigest, lazy));
        }

        return task.WaitAsync(ct);
    }

    private async Task<PreparedImage> UnpackAsync(ImageRecord record)
    {
        var manifest = JsonSerializer.Deserialize<OciManifest>(await Content.ReadAllAsync(record.ManifestDigest, CancellationToken.None))
            ?? throw new JsonException($"manifest {record.ManifestDigest} is empty");
        var config = JsonSerializer.Deserialize<OciImageConfig>(await Content.ReadAllAsync(record.ConfigDigest, CancellationToken.None))
            ?? throw new JsonException($"config {record.ConfigDigest} is empty");
        var layers = manifest.Layers.Select((l, i) => new LayerSource(
            config.RootFs.DiffIds[i],
            OciMediaTypes.CompressionOf(l.MediaType) ?? throw new LayerUnpackException($"unsupported layer media type {l.MediaType}"),
            () => OpenLayer(l))).ToList();
        var clock = Stopwatch.StartNew();
        var dirs = await Snapshots.PrepareAsync(layers, CancellationToken.None);
        if (_log.IsEnabled(LogLevel.Debug))
        {
            _log.LogDebug("layers of {Manifest} ready in {Elapsed} ms", record.ManifestDigest, clock.ElapsedMilliseconds);
        }
        return new PreparedImage(config, dirs);
    }

    /// <summary>A layer blob from the content store, else from the bundled layout that has it (never a blob of another size).</summary>
    private Stream OpenLayer(OciDescriptor layer)
    {
        if (Content.Contains(layer.Digest))
        {
            return Content.OpenRead(layer.Digest);
        }

        foreach (var layout in Options.BundledLayouts)
        {
            if (ImageArchiveReader.LayoutBlobSize(layout, layer.Digest) == layer.Size)
            {
                return File.OpenRead(Path.Combine(layout, "blobs", "sha256", Digests.Hex(layer.Digest)));
            }
        }

        throw new LayerUnpackException($"layer {layer.Digest} is neither in the content store nor in a bundled image layout");
    }

    private static ResolvedImage ToResolved(ImageReference reference, ImageRecord record, PreparedImage prepared)
    {
        var config = prepared.Config.Config;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in config?.Env ?? [])
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                env[entry[..eq]] = entry[(eq + 1)..];
            }
        }

        env.TryAdd("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        return new ResolvedImage(
            reference,
            ImageSource.Oci,
            $"{reference.Repository}@{record.RepoDigest}",
            config?.Entrypoint ?? [],
            config?.Cmd ?? [],
            string.IsNullOrEmpty(config?.WorkingDir) ? null : config.WorkingDir,
            env)
        {
            Root = new ImageRoot(prepared.LayersLowestFirst, config?.User),
        };
    }

    /// <summary>
    /// After a failed online pull of a name the build bundles (e.g. an axolotl/… sample image that no
    /// public registry has): says that the stand-in exists and that --airgap uses it.
    /// </summary>
    private string StandInHint(ImageReference reference) =>
        _bundledNames.Value.Contains(reference.Canonical)
            ? $" (this build bundles a stand-in for \"{reference.Canonical}\", which a node started with --airgap uses instead of any registry)"
            : "";

    /// <summary>containerd's error as the kubelet shows it: code NotFound for a missing image, else Unknown.</summary>
    private static string PullErrorMessage(ImageReference reference, ImagePullException e)
    {
        var code = e.Kind == ImagePullFailure.NotFound ? "NotFound" : "Unknown";
        return $"rpc error: code = {code} desc = failed to pull and unpack image \"{reference.Canonical}\": {e.Message}";
    }

    private static string Repository(string name)
    {
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return name[..at];
        }

        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        return colon > slash ? name[..colon] : name;
    }

    private sealed record PreparedImage(OciImageConfig Config, IReadOnlyList<string> LayersLowestFirst);
}
