using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.Images;

namespace Axolotl.E2E.Tests.Images;

/// <summary>
/// A server plus two loopback registries (open, and token-auth as Docker Hub does it) holding images
/// built in this run from Debian's static busybox: the plain image, one with a second layer whose
/// whiteout deletes /bin/wget, a zstd copy, a two-platform index, and the private one.
/// </summary>
public sealed class RegistryFixture : ServerFixture
{
    private OciLayoutBuilder? _images;
    private LoopbackRegistry? _open;
    private LoopbackRegistry? _private;

    public LoopbackRegistry Open => _open ?? throw new InvalidOperationException("not initialised");

    public LoopbackRegistry Private => _private ?? throw new InvalidOperationException("not initialised");

    /// <summary>What the plain image prints at start: its uid, groups, directory and env, then it sleeps.</summary>
    public const string Greeting = "echo \"uid=$(id -u) gid=$(id -g) groups=$(id -G) pwd=$(pwd) greeting=$GREETING color=$COLOR\"; exec sleep 3600";

    public string Busybox { get; private set; } = "";

    public string Whiteout { get; private set; } = "";

    public string Zstd { get; private set; } = "";

    public string Multi { get; private set; } = "";

    public string PrivateImage { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        Assert.True(LoopbackRegistry.Available, "docker-registry, skopeo and umoci are needed (.ci/run installs them)");
        await base.InitializeAsync();
        _images = await OciLayoutBuilder.CreateAsync();
        var config = new ImageConfigSpec(
            Entrypoint: ["/bin/sh", "-c"],
            Cmd: [Greeting],
            EnvList: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=hello-from-image", "COLOR=blue"],
            WorkingDir: "/srv/app",
            User: "app");
        await _images.BuildBusyboxAsync("plain", config, root => File.WriteAllText(Path.Combine(root, "etc", "image-marker"), "axolotl test image\n"));
        await _images.AddLayerAsync("plain", "whiteout", root => File.Delete(Path.Combine(root, "bin", "wget")));
        await _images.RecompressZstdAsync("plain", "zstd");
        await _images.BuildBusyboxAsync("arm", config with { Architecture = "arm64", Cmd = ["echo wrong platform; exit 3"] });
        await _images.IndexAsync("multi", ("arm", "arm64"), ("plain", "amd64"));

        _open = await LoopbackRegistry.StartAsync();
        Busybox = await _open.PushAsync(_images.Layout, "plain", "test/busybox", "1.0");
        Whiteout = await _open.PushAsync(_images.Layout, "whiteout", "test/whiteout", "1.0");
        Zstd = await _open.PushAsync(_images.Layout, "zstd", "test/zstd", "1.0");
        Multi = await _open.PushAsync(_images.Layout, "multi", "test/multi", "1.0", all: true);
        _private = await LoopbackRegistry.StartAsync(tokenAuth: true);
        PrivateImage = await _private.PushAsync(_images.Layout, "plain", "team/private", "1.0");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_open is not null)
        {
            await _open.DisposeAsync();
        }

        if (_private is not null)
        {
            await _private.DisposeAsync();
        }

        _images?.Dispose();
    }
}
