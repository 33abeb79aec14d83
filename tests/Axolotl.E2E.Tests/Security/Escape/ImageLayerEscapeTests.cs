using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.Images;

namespace Axolotl.E2E.Tests.Security.Escape;

/// <summary>
/// A server and a loopback registry holding issue 31's attack 2 as real images: over a busybox base,
/// one layer adds a symlink <c>x</c> to a host directory and the next a hard link <c>leak -&gt; x/FILE</c>.
/// Unpacked on the host, the link's target would be resolved through the symlink and the host's file
/// copied into the image; with the server's <c>tokens/admin</c> the pod could read an admin token.
/// </summary>
public sealed class ImageLayerEscapeFixture : ServerFixture
{
    private OciLayoutBuilder? _images;
    private LoopbackRegistry? _registry;

    /// <summary>x -> the server's own tokens directory, leak -> x/admin.</summary>
    public string TokenImage { get; private set; } = "";

    /// <summary>x -> /etc, leak -> x/hostname: the host's, not the image's.</summary>
    public string EtcImage { get; private set; } = "";

    /// <summary>Online mode (the harness's servers run --airgap): the node pulls the attack images from a loopback registry.</summary>
    protected override IReadOnlyList<string> ServerArgs => ["--airgap=false"];

    public override async Task InitializeAsync()
    {
        Assert.True(LoopbackRegistry.Available, "docker-registry, skopeo and umoci are needed (.ci/run installs them)");
        // The server first: the attack names its data directory.
        await base.InitializeAsync();
        _images = await OciLayoutBuilder.CreateAsync();
        await _images.BuildBusyboxAsync("base", new ImageConfigSpec(Entrypoint: ["/bin/sh", "-c"], Cmd: ["cat /leak; sleep 3600"], User: "1000"));
        await AppendLayersAsync("base", "tokens", Path.Combine(Server.DataDir, "tokens"), "admin");
        await AppendLayersAsync("base", "etc", "/etc", "hostname");
        _registry = await LoopbackRegistry.StartAsync();
        TokenImage = await _registry.PushAsync(_images.Layout, "tokens", "attack/tokens", "1.0");
        EtcImage = await _registry.PushAsync(_images.Layout, "etc", "attack/etc", "1.0");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        _images?.Dispose();
    }

    /// <summary>
    /// Tags <paramref name="tag"/> = <paramref name="from"/> plus two hand-made layers (no tool writes a
    /// hard link whose name passes through a symlink; only a hostile image does).
    /// </summary>
    private async Task AppendLayersAsync(string from, string tag, string hostDirectory, string file)
    {
        var layout = _images!.Layout;
        var symlink = Tar(new PaxTarEntry(TarEntryType.SymbolicLink, "x") { LinkName = hostDirectory });
        var hardlink = Tar(new PaxTarEntry(TarEntryType.HardLink, "leak") { LinkName = "x/" + file });

        var indexPath = Path.Combine(layout, "index.json");
        var index = JsonNode.Parse(await File.ReadAllTextAsync(indexPath))!.AsObject();
        var baseDescriptor = index["manifests"]!.AsArray().Single(m => m!["annotations"]?["org.opencontainers.image.ref.name"]?.GetValue<string>() == from)!;
        var manifest = JsonNode.Parse(await File.ReadAllBytesAsync(BlobPath(layout, baseDescriptor["digest"]!.GetValue<string>())))!.AsObject();
        var config = JsonNode.Parse(await File.ReadAllBytesAsync(BlobPath(layout, manifest["config"]!["digest"]!.GetValue<string>())))!.AsObject();
        foreach (var tar in new[] { symlink, hardlink })
        {
            var gzip = Gzip(tar);
            var (digest, size) = await WriteBlobAsync(layout, gzip);
            manifest["layers"]!.AsArray().Add(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip",
                ["digest"] = digest,
                ["size"] = size,
            });
            config["rootfs"]!["diff_ids"]!.AsArray().Add("sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar)));
        }

        var (configDigest, configSize) = await WriteBlobAsync(layout, System.Text.Encoding.UTF8.GetBytes(config.ToJsonString()));
        manifest["config"]!["digest"] = configDigest;
        manifest["config"]!["size"] = configSize;
        var (manifestDigest, manifestSize) = await WriteBlobAsync(layout, System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        index["manifests"]!.AsArray().Add(new JsonObject
        {
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["digest"] = manifestDigest,
            ["size"] = manifestSize,
            ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag },
        });
        await File.WriteAllTextAsync(indexPath, index.ToJsonString());
    }

    private static string BlobPath(string layout, string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);

    private static async Task<(string Digest, long Size)> WriteBlobAsync(string layout, byte[] blob)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob));
        await File.WriteAllBytesAsync(BlobPath(layout, digest), blob);
        return (digest, blob.Length);
    }

    private static byte[] Tar(TarEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            entry.ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
            writer.WriteEntry(entry);
        }

        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}

/// <summary>
/// Issue 31, attack 2: a pod in a namespace that enforces the restricted Pod Security Standard runs an
/// image whose hard link reaches a host file through the image's own symlink. The pull must fail
/// with ErrImagePull naming the refused link, and no copy of the host file may exist anywhere under
/// the server's data directory (the snapshots included).
/// </summary>
public sealed class ImageLayerEscapeTests(ImageLayerEscapeFixture fx) : IClassFixture<ImageLayerEscapeFixture>
{
    [Fact]
    public async Task A_hardlink_through_a_symlink_to_the_servers_admin_token_fails_the_pull_and_leaks_nothing()
    {
        var ns = await RestrictedNamespaceAsync("layer-token");
        await RunAsync(ns, "token", fx.TokenImage);

        var message = await PullFailureAsync(ns, "token");

        Assert.Contains("invalid hardlink \"leak\" -> \"x/admin\"", message, StringComparison.Ordinal);
        var token = (await File.ReadAllTextAsync(Path.Combine(fx.Server.DataDir, "tokens", "admin"))).Trim();
        Assert.DoesNotContain(token, message, StringComparison.Ordinal);
        AssertNoLeakUnder(fx.Server.DataDir, token);
    }

    [Fact]
    public async Task A_hardlink_through_a_symlink_to_the_hosts_etc_fails_the_pull_and_leaks_nothing()
    {
        var ns = await RestrictedNamespaceAsync("layer-etc");
        await RunAsync(ns, "etc", fx.EtcImage);

        var message = await PullFailureAsync(ns, "etc");

        Assert.Contains("invalid hardlink \"leak\" -> \"x/hostname\"", message, StringComparison.Ordinal);
        AssertNoLeakUnder(fx.Server.DataDir, (await File.ReadAllTextAsync("/etc/hostname")).Trim());
    }

    private async Task<string> RestrictedNamespaceAsync(string prefix)
    {
        var ns = await fx.NewNamespaceAsync(prefix);
        await fx.Kubectl.OkAsync("label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted");
        return ns;
    }

    private Task RunAsync(string ns, string name, string image) => fx.Kubectl.OkWithInputAsync($$$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec:
          terminationGracePeriodSeconds: 1
          securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
          containers:
          - name: app
            image: {{{image}}}
            securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        """, "apply", "-f", "-");

    /// <summary>Waits until the container leaves ContainerCreating; it must be a pull failure. Returns the failure events' messages.</summary>
    private async Task<string> PullFailureAsync(string ns, string name)
    {
        var state = await Eventually.KubectlAsync(fx.Kubectl,
            r => r.Stdout.Contains("ErrImagePull", StringComparison.Ordinal) || r.Stdout.Contains("ImagePullBackOff", StringComparison.Ordinal)
                || r.Stdout.Contains("running", StringComparison.Ordinal) || r.Stdout.Contains("terminated", StringComparison.Ordinal)
                || r.Stdout.Contains("CrashLoopBackOff", StringComparison.Ordinal),
            $"{ns}/{name} past ContainerCreating", "get", "pod", name, "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].state}");
        Assert.True(state.Stdout.Contains("ErrImagePull", StringComparison.Ordinal) || state.Stdout.Contains("ImagePullBackOff", StringComparison.Ordinal),
            $"the image was unpacked and its container started: {state.Stdout}");
        var events = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("invalid hardlink", StringComparison.Ordinal), $"{ns}/{name}'s pull failure event",
            "get", "events", "-n", ns, "--field-selector", $"involvedObject.name={name}", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}");
        Assert.Contains("Failed: Failed to pull image", events.Stdout, StringComparison.Ordinal);
        return events.Stdout;
    }

    /// <summary>No file named leak exists under the data directory (the refused layer left nothing), and no file there holds the secret but its own.</summary>
    private static void AssertNoLeakUnder(string dataDir, string secret)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        Assert.Empty(Directory.EnumerateFiles(dataDir, "leak", options));
        var snapshots = Directory.EnumerateDirectories(dataDir, "snapshots", options).ToList();
        Assert.NotEmpty(snapshots);
        foreach (var file in snapshots.SelectMany(s => Directory.EnumerateFiles(s, "*", options)))
        {
            var info = new FileInfo(file);
            if (info.Length > 0 && info.Length < 64 * 1024)
            {
                Assert.DoesNotContain(secret, File.ReadAllText(file), StringComparison.Ordinal);
            }
        }
    }
}
