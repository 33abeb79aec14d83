using System.Net;
using System.Net.Sockets;
using Axolotl.Images;
using Axolotl.Images.Distribution;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Images.Tests.Distribution;

/// <summary>
/// A node pulling from a registry that misbehaves (a loopback fake): unreachable, silent, slow in
/// mid-body, answering 401/404/429/500, or sending more than it declared. Each pull fails with
/// ErrImagePull in containerd's shape, quoting what the registry or the socket said, and stores
/// nothing: no image name, no blob, no ingest file left.
/// </summary>
public sealed class RegistryBadInputTests : IDisposable
{
    private static readonly RegistryTimeouts Short = new() { Connect = TimeSpan.FromSeconds(2), Response = TimeSpan.FromMilliseconds(300), Stall = TimeSpan.FromMilliseconds(300) };

    private readonly string _root = Directory.CreateTempSubdirectory("axolotl-badreg-").FullName;
    private readonly FakeRegistry _registry = new();
    private readonly ImageService _images;

    public RegistryBadInputTests()
    {
        _images = new ImageService(new ImageServiceOptions { Root = Path.Combine(_root, "image-store"), RegistryTimeouts = Short }, TimeProvider.System, NullLogger.Instance);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private async Task<ImageResolution> PullAsync(string image)
    {
        var result = await _images.EnsureAsync(image, "IfNotPresent", _ => Task.FromResult<IReadOnlyList<RegistryCredential>>([]), () => { }, CancellationToken.None);
        Assert.Equal(ImageResolution.ErrImagePull, result.Resolution.Reason);
        return result.Resolution;
    }

    private void AssertNothingStored(string layer)
    {
        Assert.Empty(_images.Records.All());
        Assert.False(_images.Content.Contains(layer));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_images.Content.Root, "ingest")));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task An_unreachable_registry_fails_with_the_socket_error()
    {
        var port = ClosedPort();
        var failed = await PullAsync($"127.0.0.1:{port}/team/app:1.0");
        Assert.Equal(
            $"rpc error: code = Unknown desc = failed to pull and unpack image \"127.0.0.1:{port}/team/app:1.0\": failed to do request: "
            + $"Get \"http://127.0.0.1:{port}/v2/team/app/manifests/1.0\": dial tcp 127.0.0.1:{port}: connect: connection refused",
            failed.Message);
        Assert.Empty(_images.Records.All());
    }

    [Fact]
    public async Task A_registry_that_accepts_and_never_answers_fails_in_bounded_time()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(backlog: 16);
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var failed = await PullAsync($"127.0.0.1:{port}/team/app:1.0");

        Assert.EndsWith($"failed to do request: Get \"http://127.0.0.1:{port}/v2/team/app/manifests/1.0\": context deadline exceeded", failed.Message, StringComparison.Ordinal);
        Assert.Empty(_images.Records.All());
    }

    [Fact]
    public async Task A_layer_that_stops_mid_body_fails_and_leaves_no_partial_blob()
    {
        var (_, layer) = _registry.PublishImage("slow/app", "1.0");
        _registry.StallBody = path => path.EndsWith(layer, StringComparison.Ordinal);

        var failed = await PullAsync($"{_registry.Host}/slow/app:1.0");

        Assert.Equal($"rpc error: code = Unknown desc = failed to pull and unpack image \"{_registry.Host}/slow/app:1.0\": failed to copy: the registry sent nothing for 0.3 s", failed.Message);
        AssertNothingStored(layer);
    }

    [Fact]
    public async Task A_manifest_that_stops_mid_body_fails_too()
    {
        var (_, layer) = _registry.PublishImage("slow/doc", "1.0");
        _registry.StallBody = path => path.Contains("/manifests/", StringComparison.Ordinal);

        var failed = await PullAsync($"{_registry.Host}/slow/doc:1.0");

        Assert.Contains("the registry sent nothing for 0.3 s", failed.Message, StringComparison.Ordinal);
        AssertNothingStored(layer);
    }

    [Theory]
    [InlineData(401, "UNAUTHORIZED", "authentication required",
        "code = Unknown desc = failed to pull and unpack image \"{0}\": failed to resolve reference \"{0}\": pull access denied, repository does not exist or may require authorization: server message: unauthorized: authentication required")]
    [InlineData(404, "MANIFEST_UNKNOWN", "manifest unknown",
        "code = NotFound desc = failed to pull and unpack image \"{0}\": failed to resolve reference \"{0}\": {0}: not found")]
    [InlineData(429, "TOOMANYREQUESTS", "You have reached your pull rate limit",
        "code = Unknown desc = failed to pull and unpack image \"{0}\": failed to resolve reference \"{0}\": unexpected status from GET request to http://{1}/v2/team/app/manifests/1.0: 429 Too Many Requests: toomanyrequests: You have reached your pull rate limit")]
    [InlineData(500, "UNKNOWN", "storage driver failed",
        "code = Unknown desc = failed to pull and unpack image \"{0}\": failed to resolve reference \"{0}\": unexpected status from GET request to http://{1}/v2/team/app/manifests/1.0: 500 Internal Server Error: unknown: storage driver failed")]
    public async Task A_registry_error_status_is_quoted_with_the_registrys_own_words(int status, string code, string message, string expected)
    {
        var (_, layer) = _registry.PublishImage("team/app", "1.0");
        _registry.ErrorFor = path => path.Contains("/manifests/", StringComparison.Ordinal) ? (status, code, message) : null;
        var image = $"{_registry.Host}/team/app:1.0";

        var failed = await PullAsync(image);

        Assert.Equal("rpc error: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, image, _registry.Host), failed.Message);
        AssertNothingStored(layer);
        // 429 and 5xx are retried (a few times), 401 and 404 are not.
        Assert.Equal(status >= 429 ? 3 : 1, _registry.Count("/manifests/1.0"));
    }

    [Fact]
    public async Task A_layer_longer_than_its_manifest_declares_is_refused_and_not_stored()
    {
        var (_, layer) = _registry.PublishImage("big/app", "1.0");
        var original = _registry.Blob(layer);
        _registry.SetBlob(layer, [.. original, .. new byte[4096]]);

        var failed = await PullAsync($"{_registry.Host}/big/app:1.0");

        Assert.EndsWith($"failed to copy: blob {layer} is longer than its declared size {original.Length}", failed.Message, StringComparison.Ordinal);
        AssertNothingStored(layer);
    }

    [Fact]
    public async Task Airgap_mode_never_asks_a_registry_even_one_the_registries_file_names()
    {
        _registry.PublishImage("team/app", "1.0");
        var hosts = RegistryHosts.FromJson(System.Text.Json.Nodes.JsonNode.Parse("{\"mirrors\": {\"docker.io\": {\"endpoint\": [\"http://" + _registry.Host + "\"]}}}"));
        var airgap = new ImageService(new ImageServiceOptions { Root = Path.Combine(_root, "airgap-store"), Registries = hosts, Airgap = true }, TimeProvider.System, NullLogger.Instance);

        foreach (var image in new[] { $"{_registry.Host}/team/app:1.0", "redis:7" })
        {
            var result = await airgap.EnsureAsync(image, "Always", _ => Task.FromResult<IReadOnlyList<RegistryCredential>>([]), () => { }, CancellationToken.None);
            Assert.Equal(ImageResolution.ErrImagePull, result.Resolution.Reason);
            Assert.Contains("airgap mode (--airgap): no registry is contacted and this node's image store has no", result.Resolution.Message, StringComparison.Ordinal);
            Assert.Contains("axolotl images import", result.Resolution.Message, StringComparison.Ordinal);
        }

        Assert.Empty(_registry.Requests);
    }
}
