using System.Formats.Tar;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Axolotl.Images;
using Axolotl.Images.Content;
using Axolotl.Images.Distribution;
using Axolotl.Images.Oci;

namespace Axolotl.Images.Tests.Distribution;

/// <summary>
/// The puller against a loopback registry: tags, digests, indexes and platform choice, Docker
/// schema 2, token auth with and without credentials, verification failures that store nothing,
/// one download per blob for concurrent pulls, and prompt failures for unreachable registries.
/// </summary>
public sealed class ImagePullerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axl-pull-").FullName;
    private readonly FakeRegistry _registry = new();
    private readonly ContentStore _content;
    private readonly ImagePuller _puller;

    public ImagePullerTests()
    {
        _content = new ContentStore(Path.Combine(_dir, "content"));
        _puller = new ImagePuller(_content, RegistryHosts.Empty, []);
    }

    public void Dispose()
    {
        _puller.Dispose();
        _registry.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static byte[] Layer(string file, string text)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, file) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) });
        }

        return buffer.ToArray();
    }

    /// <summary>Publishes a one-layer image; returns (manifest digest, layer digest, config digest).</summary>
    private (string Manifest, string Layer, string Config) Publish(string repository, string tag, string architecture = "amd64", bool docker = false, string text = "hello")
    {
        var layer = Layer("etc/hello", text + architecture);
        var layerDigest = _registry.AddBlob(layer);
        var config = System.Text.Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Cmd"] = new JsonArray("sh") },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(Digests.Of(layer)) },
        }.ToJsonString());
        var configDigest = _registry.AddBlob(config);
        var manifest = new
        {
            schemaVersion = 2,
            mediaType = docker ? OciMediaTypes.DockerManifest : OciMediaTypes.ImageManifest,
            config = new { mediaType = docker ? OciMediaTypes.DockerConfig : OciMediaTypes.ImageConfig, digest = configDigest, size = config.Length },
            layers = new[] { new { mediaType = docker ? OciMediaTypes.DockerLayerGzip.Replace(".gzip", "", StringComparison.Ordinal) : OciMediaTypes.Layer, digest = layerDigest, size = layer.Length } },
        };
        return (_registry.AddManifest(repository, tag, docker ? OciMediaTypes.DockerManifest : OciMediaTypes.ImageManifest, manifest), layerDigest, configDigest);
    }

    private ImageReference Ref(string text) => ImageReference.TryParse($"{_registry.Host}/{text}", out var r) ? r : throw new ArgumentException(text);

    [Fact]
    public async Task A_tag_resolves_and_every_blob_is_stored_verified()
    {
        var (manifest, layer, config) = Publish("team/app", "1.0");
        var pulled = await _puller.PullAsync(Ref("team/app:1.0"), [], CancellationToken.None);
        Assert.Equal((manifest, manifest, config), (pulled.RepoDigest, pulled.ManifestDigest, pulled.ConfigDigest));
        Assert.True(_content.Contains(layer) && _content.Contains(config) && _content.Contains(manifest));

        var byDigest = await _puller.PullAsync(Ref($"team/app@{manifest}"), [], CancellationToken.None);
        Assert.Equal(manifest, byDigest.ManifestDigest);
    }

    [Fact]
    public async Task An_index_gives_this_nodes_platform_and_names_the_others_when_none_fits()
    {
        var (amd, _, _) = Publish("multi/app", "amd", "amd64");
        var (arm, _, _) = Publish("multi/app", "arm", "arm64");
        var index = new
        {
            schemaVersion = 2,
            mediaType = OciMediaTypes.ImageIndex,
            manifests = new[]
            {
                new { mediaType = OciMediaTypes.ImageManifest, digest = arm, size = 1L, platform = new { architecture = "arm64", os = "linux" } },
                new { mediaType = OciMediaTypes.ImageManifest, digest = amd, size = 1L, platform = new { architecture = PlatformChoice.Architecture, os = "linux" } },
            },
        };
        var indexDigest = _registry.AddManifest("multi/app", "1.0", OciMediaTypes.ImageIndex, index);
        var pulled = await _puller.PullAsync(Ref("multi/app:1.0"), [], CancellationToken.None);
        Assert.Equal((indexDigest, amd), (pulled.RepoDigest, pulled.ManifestDigest));

        _registry.AddManifest("multi/app", "arm-only", OciMediaTypes.DockerManifestList, new
        {
            schemaVersion = 2,
            mediaType = OciMediaTypes.DockerManifestList,
            manifests = new[] { new { mediaType = OciMediaTypes.DockerManifest, digest = arm, size = 1L, platform = new { architecture = "s390x", os = "linux" } } },
        });
        var e = await Assert.ThrowsAsync<ImagePullException>(() => _puller.PullAsync(Ref("multi/app:arm-only"), [], CancellationToken.None));
        Assert.Equal(ImagePullFailure.Platform, e.Kind);
        Assert.Contains("no match for platform in manifest", e.Message, StringComparison.Ordinal);
        Assert.Contains("linux/s390x", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mirror_is_asked_for_the_rewritten_repository_and_the_registry_never_sees_the_pull()
    {
        var (manifest, _, _) = Publish("mirrored/team/app", "2.0");
        // The registry itself is a refused loopback port: reaching it would fail the pull.
        var hosts = RegistryHosts.FromJson(JsonNode.Parse("{\"mirrors\": {\"127.0.0.1:1\": {\"endpoint\": [\"http://" + _registry.Host + "\"], \"rewrite\": {\"^team/(.*)$\": \"mirrored/team/$1\"}}}}"));
        using var puller = new ImagePuller(_content, hosts, []);

        var pulled = await puller.PullAsync(ImageReference.TryParse("127.0.0.1:1/team/app:2.0", out var r) ? r : throw new ArgumentException("ref"), [], CancellationToken.None);

        Assert.Equal(manifest, pulled.ManifestDigest);
        Assert.Equal(1, _registry.Count("/v2/mirrored/team/app/manifests/2.0"));
        Assert.Equal(0, _registry.Count("/v2/team/app/"));
    }

    [Fact]
    public async Task Docker_schema_2_images_pull_too()
    {
        var (manifest, _, _) = Publish("docker/app", "v2", docker: true);
        Assert.Equal(manifest, (await _puller.PullAsync(Ref("docker/app:v2"), [], CancellationToken.None)).ManifestDigest);
    }

    [Fact]
    public async Task A_missing_tag_is_NotFound_with_containerds_wording()
    {
        var e = await Assert.ThrowsAsync<ImagePullException>(() => _puller.PullAsync(Ref("team/app:missing"), [], CancellationToken.None));
        Assert.Equal(ImagePullFailure.NotFound, e.Kind);
        var canonical = $"{_registry.Host}/team/app:missing";
        Assert.Equal($"failed to resolve reference \"{canonical}\": {canonical}: not found", e.Message);
    }

    [Fact]
    public async Task A_layer_that_is_not_what_its_digest_says_is_refused_and_not_stored()
    {
        var (_, layer, _) = Publish("bad/app", "1.0");
        _registry.SetBlob(layer, Layer("etc/hello", "tampered"));
        var e = await Assert.ThrowsAsync<ImagePullException>(() => _puller.PullAsync(Ref("bad/app:1.0"), [], CancellationToken.None));
        Assert.Equal(ImagePullFailure.Verification, e.Kind);
        Assert.False(_content.Contains(layer));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_content.Root, "ingest")));
    }

    [Fact]
    public async Task Token_auth_works_with_the_pods_credentials_and_fails_clearly_without_them()
    {
        Publish("private/app", "1.0");
        _registry.TokenAuth = ("alice", "s3cret");
        var denied = await Assert.ThrowsAsync<ImagePullException>(() => _puller.PullAsync(Ref("private/app:1.0"), [], CancellationToken.None));
        Assert.Equal(ImagePullFailure.Unauthorized, denied.Kind);
        Assert.Contains("failed to fetch anonymous token", denied.Message, StringComparison.Ordinal);

        var wrong = await Assert.ThrowsAsync<ImagePullException>(() =>
            _puller.PullAsync(Ref("private/app:1.0"), [new RegistryCredential(_registry.Host, "alice", "wrong")], CancellationToken.None));
        Assert.Equal(ImagePullFailure.Unauthorized, wrong.Kind);

        var pulled = await _puller.PullAsync(Ref("private/app:1.0"), [new RegistryCredential(_registry.Host, "alice", "s3cret")], CancellationToken.None);
        Assert.NotNull(pulled);
        Assert.True(_registry.Count("GET /token") >= 1);
    }

    [Fact]
    public async Task Concurrent_pulls_download_each_blob_once()
    {
        var (_, layer, _) = Publish("shared/app", "1.0");
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _puller.PullAsync(Ref("shared/app:1.0"), [], CancellationToken.None)));
        Assert.Equal(1, _registry.Count($"GET /v2/shared/app/blobs/{layer}"));
    }

    [Fact]
    public async Task A_registry_error_is_retried_and_a_refused_connection_fails_at_once()
    {
        Publish("flaky/app", "1.0");
        var failures = 1;
        _registry.FailWith = path => path.Contains("/manifests/", StringComparison.Ordinal) && Interlocked.Decrement(ref failures) >= 0 ? 503 : null;
        Assert.NotNull(await _puller.PullAsync(Ref("flaky/app:1.0"), [], CancellationToken.None));

        int closed;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(ImageReference.TryParse($"127.0.0.1:{closed}/x/y:1", out var nowhere));
        var e = await Assert.ThrowsAsync<ImagePullException>(() => _puller.PullAsync(nowhere, [], CancellationToken.None));
        Assert.Equal(ImagePullFailure.Network, e.Kind);
        Assert.Contains("connect: connection refused", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }
}
