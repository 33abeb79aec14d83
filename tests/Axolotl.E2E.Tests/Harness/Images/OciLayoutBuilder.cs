using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.E2E.Tests.Harness.Images;

/// <summary>
/// Builds test images into an OCI layout with Debian's umoci (and skopeo for recompression), from
/// the static busybox of Debian's busybox-static: a real image with its own /bin, /etc/passwd and
/// config, nothing taken from a public registry. The layout is removed on dispose.
/// </summary>
public sealed class OciLayoutBuilder : IDisposable
{
    private readonly string _work;

    private OciLayoutBuilder(string work)
    {
        _work = work;
        Layout = Path.Combine(work, "layout");
    }

    public string Layout { get; }

    public static async Task<OciLayoutBuilder> CreateAsync()
    {
        var builder = new OciLayoutBuilder(Directory.CreateTempSubdirectory("axl-oci-").FullName);
        await RunAsync("/usr/bin/umoci", "init", "--layout", builder.Layout);
        return builder;
    }

    /// <summary>
    /// A busybox image tagged <paramref name="tag"/>: /bin/busybox with every applet linked, /etc/passwd
    /// (root, app 1000, nobody), /etc/group, /tmp, /home/app; then <paramref name="populate"/> may add
    /// files to the root; the config sets what <paramref name="config"/> names.
    /// </summary>
    public async Task BuildBusyboxAsync(string tag, ImageConfigSpec config, Action<string>? populate = null)
    {
        await RunAsync("/usr/bin/umoci", "new", "--image", $"{Layout}:{tag}");
        var bundle = Path.Combine(_work, "bundle-" + tag);
        await RunAsync("/usr/bin/umoci", "unpack", "--image", $"{Layout}:{tag}", bundle);
        var root = Path.Combine(bundle, "rootfs");
        foreach (var d in new[] { "bin", "etc", "tmp", "root", "home/app", "proc", "dev", "sys" })
        {
            Directory.CreateDirectory(Path.Combine(root, d));
        }

        File.Copy("/bin/busybox", Path.Combine(root, "bin", "busybox"));
        var applets = await RunAsync("/bin/busybox", "--list");
        foreach (var applet in applets.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (applet != "busybox")
            {
                File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "busybox");
            }
        }

        await File.WriteAllTextAsync(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "group"), "root:x:0:\nwheel:x:10:root,app\napp:x:1000:\nnogroup:x:65534:\n");
        File.SetUnixFileMode(Path.Combine(root, "tmp"), (UnixFileMode)0x3FF | UnixFileMode.StickyBit);
        await RunAsync("/bin/chown", "1000:1000", Path.Combine(root, "home", "app"));
        populate?.Invoke(root);
        await RunAsync("/usr/bin/umoci", "repack", "--image", $"{Layout}:{tag}", bundle);
        await ConfigureAsync(tag, config);
        Directory.Delete(bundle, recursive: true);
    }

    /// <summary>A new image <paramref name="tag"/> = <paramref name="from"/> plus one layer made by <paramref name="change"/> on its root (deletions become whiteouts).</summary>
    public async Task AddLayerAsync(string from, string tag, Action<string> change)
    {
        await RunAsync("/usr/bin/umoci", "tag", "--image", $"{Layout}:{from}", tag);
        var bundle = Path.Combine(_work, "bundle-" + tag);
        await RunAsync("/usr/bin/umoci", "unpack", "--image", $"{Layout}:{tag}", bundle);
        change(Path.Combine(bundle, "rootfs"));
        await RunAsync("/usr/bin/umoci", "repack", "--image", $"{Layout}:{tag}", bundle);
        Directory.Delete(bundle, recursive: true);
    }

    public Task ConfigureAsync(string tag, ImageConfigSpec config)
    {
        var args = new List<string> { "config", "--image", $"{Layout}:{tag}", "--os", "linux", "--architecture", config.Architecture };
        if (config.Entrypoint is { } entrypoint)
        {
            args.AddRange(entrypoint.Count == 0 ? ["--clear=config.entrypoint"] : entrypoint.SelectMany(e => new[] { "--config.entrypoint", e }));
        }

        if (config.Cmd is { } cmd)
        {
            args.AddRange(cmd.Count == 0 ? ["--clear=config.cmd"] : cmd.SelectMany(c => new[] { "--config.cmd", c }));
        }

        foreach (var env in config.Env)
        {
            args.AddRange(["--config.env", env]);
        }

        if (config.WorkingDir is { } wd)
        {
            args.AddRange(["--config.workingdir", wd]);
        }

        if (config.User is { } user)
        {
            args.AddRange(["--config.user", user]);
        }

        return RunAsync("/usr/bin/umoci", [.. args]);
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="tag"/> with every layer recompressed as zstd.</summary>
    public Task RecompressZstdAsync(string from, string tag) =>
        RunAsync("/usr/bin/skopeo", "copy", "--quiet", "--dest-compress", "--dest-compress-format", "zstd", $"oci:{Layout}:{from}", $"oci:{Layout}:{tag}");

    /// <summary>Tags an OCI index <paramref name="tag"/> over the manifests of <paramref name="platformTags"/> (tag, architecture).</summary>
    public async Task IndexAsync(string tag, params (string Tag, string Architecture)[] platformTags)
    {
        var indexPath = Path.Combine(Layout, "index.json");
        var layoutIndex = JsonNode.Parse(await File.ReadAllTextAsync(indexPath))!.AsObject();
        var manifests = layoutIndex["manifests"]!.AsArray();
        var entries = new JsonArray();
        foreach (var (platformTag, architecture) in platformTags)
        {
            var descriptor = manifests.Single(m => m!["annotations"]?["org.opencontainers.image.ref.name"]?.GetValue<string>() == platformTag)!;
            entries.Add(new JsonObject
            {
                ["mediaType"] = descriptor["mediaType"]!.GetValue<string>(),
                ["digest"] = descriptor["digest"]!.GetValue<string>(),
                ["size"] = descriptor["size"]!.GetValue<long>(),
                ["platform"] = new JsonObject { ["architecture"] = architecture, ["os"] = "linux" },
            });
        }

        var index = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = entries,
        });
        var digest = Convert.ToHexStringLower(SHA256.HashData(index));
        await File.WriteAllBytesAsync(Path.Combine(Layout, "blobs", "sha256", digest), index);
        manifests.Add(new JsonObject
        {
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["digest"] = "sha256:" + digest,
            ["size"] = index.Length,
            ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag },
        });
        await File.WriteAllTextAsync(indexPath, layoutIndex.ToJsonString());
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(file, args);
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }
}

/// <summary>What an image's config says; null leaves umoci's default (none).</summary>
public sealed record ImageConfigSpec(
    IReadOnlyList<string>? Entrypoint = null,
    IReadOnlyList<string>? Cmd = null,
    IReadOnlyList<string>? EnvList = null,
    string? WorkingDir = null,
    string? User = null,
    string Architecture = "amd64")
{
    public IReadOnlyList<string> Env => EnvList ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];
}
