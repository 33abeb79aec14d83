using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.Images;

namespace Axolotl.E2E.Tests.Images;

/// <summary>
/// A server plus two loopback registries (open, and token-auth as Docker Hub does it) holding images
/// built in this run from Debian's static busybox: the plain image, one with a second layer whose
/// whiteout deletes /bin/wget, a zstd copy, a two-platform index, and the private one; and a third
/// registry that serves HTTPS only to callers with a client certificate (mutual TLS), which the
/// server's registries file (--private-registry) names with its CA and the node's client certificate.
/// </summary>
public sealed class RegistryFixture : ServerFixture
{
    private OciLayoutBuilder? _images;
    private LoopbackRegistry? _open;
    private LoopbackRegistry? _private;
    private LoopbackRegistry? _mutualTls;
    private string? _registriesFile;

    public LoopbackRegistry Open => _open ?? throw new InvalidOperationException("not initialised");

    public LoopbackRegistry Private => _private ?? throw new InvalidOperationException("not initialised");

    /// <summary>What the plain image prints at start: its uid, groups, directory and env, then it sleeps.</summary>
    public const string Greeting = "echo \"uid=$(id -u) gid=$(id -g) groups=$(id -G) pwd=$(pwd) greeting=$GREETING color=$COLOR\"; exec sleep 3600";

    public string Busybox { get; private set; } = "";

    /// <summary>The plain image under a repository only the pull-policy test uses, so its registry counts are its own.</summary>
    public string PolicyImage { get; private set; } = "";

    public string Whiteout { get; private set; } = "";

    public string Zstd { get; private set; } = "";

    public string Multi { get; private set; } = "";

    public string PrivateImage { get; private set; } = "";

    public string MutualTlsImage { get; private set; } = "";

    public LoopbackRegistry MutualTls => _mutualTls ?? throw new InvalidOperationException("not initialised");

    /// <summary>Online mode (the harness's servers run --airgap): the node pulls from these loopback registries.</summary>
    protected override IReadOnlyList<string> ServerArgs => _registriesFile is null ? ["--airgap=false"] : ["--airgap=false", "--private-registry", _registriesFile];

    public override async Task InitializeAsync()
    {
        Assert.True(LoopbackRegistry.Available, "docker-registry, skopeo and umoci are needed (.ci/run installs them)");
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
        PolicyImage = await _open.PushAsync(_images.Layout, "plain", "test/policy", "1.0");
        Whiteout = await _open.PushAsync(_images.Layout, "whiteout", "test/whiteout", "1.0");
        Zstd = await _open.PushAsync(_images.Layout, "zstd", "test/zstd", "1.0");
        Multi = await _open.PushAsync(_images.Layout, "multi", "test/multi", "1.0", all: true);
        _private = await LoopbackRegistry.StartAsync(tokenAuth: true);
        PrivateImage = await _private.PushAsync(_images.Layout, "plain", "team/private", "1.0");
        _mutualTls = await LoopbackRegistry.StartAsync(mutualTls: true);
        MutualTlsImage = await _mutualTls.PushAsync(_images.Layout, "plain", "secure/busybox", "1.0");

        // The registries file the server's node reads: the mutual-TLS registry's CA and the node's client certificate.
        var certs = _mutualTls.MutualTls!;
        _registriesFile = Path.Combine(Path.GetDirectoryName(_images.Layout)!, "registries.yaml");
        await File.WriteAllTextAsync(_registriesFile, $$"""
            configs:
              "{{_mutualTls.Host}}":
                tls: {ca_file: "{{certs.CaFile}}", cert_file: "{{certs.ClientCertificateFile}}", key_file: "{{certs.ClientKeyFile}}"}
            """);
        await base.InitializeAsync();
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

        if (_mutualTls is not null)
        {
            await _mutualTls.DisposeAsync();
        }

        _images?.Dispose();
    }
}
