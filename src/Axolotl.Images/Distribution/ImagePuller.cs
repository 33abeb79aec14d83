using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Axolotl.Images.Content;
using Axolotl.Images.Oci;

namespace Axolotl.Images.Distribution;

/// <summary>
/// Pulls an image into the content store as containerd does for the kubelet: resolves the reference
/// to a manifest (an index picks this node's platform), fetches the config and every layer, verifies
/// each against its digest and size (the content store refuses anything else), and stores the index
/// and manifest too so the image can be opened again offline. Each blob is downloaded once however
/// many pulls want it at the same time. Endpoints (mirrors, then the registry) are tried in order.
/// </summary>
public sealed class ImagePuller : IDisposable
{
    private const int MaxDocument = 4 * 1024 * 1024;

    private readonly ContentStore _content;
    private readonly RegistryHosts _hosts;
    private readonly IReadOnlyList<RegistryCredential> _nodeCredentials;
    private readonly RegistryClient _client;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _downloads = new(StringComparer.Ordinal);

    public ImagePuller(ContentStore content, RegistryHosts hosts, IReadOnlyList<RegistryCredential> nodeCredentials, TimeProvider? time = null, RegistryTimeouts? timeouts = null)
    {
        _content = content;
        _hosts = hosts;
        _nodeCredentials = nodeCredentials;
        _client = new RegistryClient(hosts, time ?? TimeProvider.System, timeouts);
    }

    public async Task<PulledImage> PullAsync(ImageReference reference, IReadOnlyList<RegistryCredential> podCredentials, CancellationToken ct)
    {
        var credentials = podCredentials.Concat(_nodeCredentials).ToList();
        ImagePullException? last = null;
        foreach (var endpoint in _hosts.Endpoints(reference.Domain))
        {
            try
            {
                return await PullFromAsync(endpoint, reference, credentials, ct);
            }
            catch (ImagePullException e) when (e.Kind is ImagePullFailure.Network or ImagePullFailure.NotFound or ImagePullFailure.Registry)
            {
                // A mirror that lacks the image or is down: the next endpoint (at last the registry) may have it.
                last = e;
            }
        }

        throw last!;
    }

    private async Task<PulledImage> PullFromAsync(Uri endpoint, ImageReference reference, IReadOnlyList<RegistryCredential> credentials, CancellationToken ct)
    {
        var canonical = reference.Canonical;
        var (repoDigest, mediaType, body) = await FetchManifestAsync(endpoint, reference, reference.Digest ?? reference.Tag, credentials, resolving: true, ct);
        var manifestDigest = repoDigest;
        var manifestBody = body;
        if (OciMediaTypes.IsIndex(mediaType))
        {
            var index = Deserialize<OciIndex>(body, canonical);
            var chosen = PlatformChoice.Choose(index, canonical);
            (manifestDigest, mediaType, manifestBody) = await FetchManifestAsync(endpoint, reference, chosen.Digest, credentials, resolving: false, ct);
            if (manifestDigest != chosen.Digest)
            {
                throw new ImagePullException($"manifest {chosen.Digest} of \"{canonical}\" does not match its digest (got {manifestDigest})", ImagePullFailure.Verification);
            }

            await _content.WriteAsync(body, ct);
        }

        if (!OciMediaTypes.IsManifest(mediaType))
        {
            throw new ImagePullException($"\"{canonical}\": unsupported manifest media type \"{mediaType}\"", ImagePullFailure.Verification);
        }

        var manifest = Deserialize<OciManifest>(manifestBody, canonical);
        if (manifest.Config is null || manifest.Layers is null || !Digests.IsValid(manifest.Config.Digest)
            || manifest.Layers.Any(l => !Digests.IsValid(l.Digest) || OciMediaTypes.CompressionOf(l.MediaType) is null || l.Size < 0))
        {
            throw new ImagePullException($"\"{canonical}\": the manifest names an invalid config or layer (unknown media type or digest)", ImagePullFailure.Verification);
        }

        await DownloadAsync(endpoint, reference, manifest.Config, credentials, ct);
        var config = Deserialize<OciImageConfig>(await _content.ReadAllAsync(manifest.Config.Digest, ct), canonical);
        if (config.RootFs?.DiffIds is not { } diffIds || diffIds.Count != manifest.Layers.Count || diffIds.Any(d => !Digests.IsValid(d)))
        {
            throw new ImagePullException($"\"{canonical}\": the config's rootfs.diff_ids do not match the manifest's {manifest.Layers.Count} layers", ImagePullFailure.Verification);
        }

        await Task.WhenAll(manifest.Layers.Select(layer => DownloadAsync(endpoint, reference, layer, credentials, ct)));
        await _content.WriteAsync(manifestBody, ct);
        return new PulledImage(reference, repoDigest, manifestDigest, manifest.Config.Digest, manifest.Config.Size + manifest.Layers.Sum(l => l.Size));
    }

    private async Task<(string Digest, string MediaType, byte[] Body)> FetchManifestAsync(Uri endpoint, ImageReference reference, string tagOrDigest,
        IReadOnlyList<RegistryCredential> credentials, bool resolving, CancellationToken ct)
    {
        var canonical = reference.Canonical;
        var url = new Uri(endpoint, $"{endpoint.AbsolutePath.TrimEnd('/')}/v2/{RepositoryAt(endpoint, reference)}/manifests/{tagOrDigest}");
        using var response = await GetAsync(endpoint, url, reference, OciMediaTypes.ManifestAccept, credentials, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ImagePullException(resolving ? $"failed to resolve reference \"{canonical}\": {canonical}: not found" : $"{canonical}: manifest {tagOrDigest}: not found", ImagePullFailure.NotFound);
        }

        await EnsureSuccessAsync(response, canonical, ct);
        var body = await _client.ReadLimitedAsync(response, MaxDocument, ct);
        var digest = Digests.Of(body);
        if (Digests.IsValid(tagOrDigest) && digest != tagOrDigest)
        {
            throw new ImagePullException($"manifest of \"{canonical}\" does not match the digest asked for: got {digest}", ImagePullFailure.Verification);
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null or "application/json" or "text/plain")
        {
            // Some registries answer a generic type: the document's own mediaType field tells.
            mediaType = SniffMediaType(body);
        }

        return (digest, mediaType ?? "", body);
    }

    private async Task DownloadAsync(Uri endpoint, ImageReference reference, OciDescriptor blob, IReadOnlyList<RegistryCredential> credentials, CancellationToken ct)
    {
        if (_content.Contains(blob.Digest))
        {
            return;
        }

        var work = _downloads.GetOrAdd(blob.Digest, _ => new Lazy<Task>(() => FetchBlobAsync(endpoint, reference, blob, credentials, CancellationToken.None)));
        try
        {
            await work.Value.WaitAsync(ct);
        }
        finally
        {
            if (work.Value.IsCompleted)
            {
                _downloads.TryRemove(new KeyValuePair<string, Lazy<Task>>(blob.Digest, work));
            }
        }
    }

    private async Task FetchBlobAsync(Uri endpoint, ImageReference reference, OciDescriptor blob, IReadOnlyList<RegistryCredential> credentials, CancellationToken ct)
    {
        var url = new Uri(endpoint, $"{endpoint.AbsolutePath.TrimEnd('/')}/v2/{RepositoryAt(endpoint, reference)}/blobs/{blob.Digest}");
        using var response = await GetAsync(endpoint, url, reference, [], credentials, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ImagePullException($"failed to copy: httpReadSeeker: failed open: content at {url} not found: not found", ImagePullFailure.NotFound);
        }

        await EnsureSuccessAsync(response, reference.Canonical, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        try
        {
            await _content.WriteAsync(blob.Digest, blob.Size, new StallGuardStream(stream, _client.Timeouts.Stall, _client.Time), ct);
        }
        catch (ContentVerificationException e)
        {
            throw new ImagePullException($"failed to copy: {e.Message}", ImagePullFailure.Verification, e);
        }
        catch (IOException e)
        {
            throw new ImagePullException($"failed to copy: {e.Message}", ImagePullFailure.Network, e);
        }
    }

    private Task<HttpResponseMessage> GetAsync(Uri endpoint, Uri url, ImageReference reference, IReadOnlyList<string> accept,
        IReadOnlyList<RegistryCredential> credentials, CancellationToken ct) =>
        _client.GetAsync(endpoint, url, RepositoryAt(endpoint, reference), accept,
            [.. credentials.Where(c => DockerConfigCredentials.Matches(c, reference.Domain) || DockerConfigCredentials.Matches(c, endpoint.Authority))], ct);

    /// <summary>The repository as <paramref name="endpoint"/> names it (a mirror's rewrite applied).</summary>
    private string RepositoryAt(Uri endpoint, ImageReference reference) => _hosts.RepositoryAt(reference.Domain, endpoint, reference.Path);

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string canonical, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var message = await RegistryMessageAsync(response, ct);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new ImagePullException(
                $"failed to resolve reference \"{canonical}\": pull access denied, repository does not exist or may require authorization: server message: {message ?? "authorization failed"}",
                ImagePullFailure.Unauthorized);
        }

        throw new ImagePullException(
            $"failed to resolve reference \"{canonical}\": unexpected status from GET request to {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {response.ReasonPhrase}{(message is null ? "" : ": " + message)}",
            ImagePullFailure.Registry);
    }

    /// <summary>The registry's error (distribution's {"errors":[{"code","message"}]}) as containerd shows it: "code: message".</summary>
    private async Task<string?> RegistryMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var json = JsonDocument.Parse(await _client.ReadLimitedAsync(response, 64 * 1024, ct));
            if (json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                var first = errors[0];
                var code = first.TryGetProperty("code", out var c) ? c.GetString()?.ToLowerInvariant() : null;
                var text = first.TryGetProperty("message", out var m) ? m.GetString() : null;
                return code is null ? text : $"{code}: {text}";
            }
        }
        catch (Exception e) when (e is JsonException or ImagePullException or HttpRequestException or IOException)
        {
        }

        return null;
    }

    private static string? SniffMediaType(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("mediaType", out var type) && type.ValueKind == JsonValueKind.String)
            {
                return type.GetString();
            }

            return json.RootElement.TryGetProperty("manifests", out _) ? OciMediaTypes.ImageIndex
                : json.RootElement.TryGetProperty("layers", out _) ? OciMediaTypes.ImageManifest : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static T Deserialize<T>(byte[] body, string canonical)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body) ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw new ImagePullException($"\"{canonical}\": malformed {typeof(T).Name[3..].ToLowerInvariant()}: {e.Message}", ImagePullFailure.Verification, e);
        }
    }

    public void Dispose() => _client.Dispose();
}
