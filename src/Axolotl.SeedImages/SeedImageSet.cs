using System.Globalization;
using System.Text;
using Axolotl.Images.Building;
using Axolotl.Images.Content;
using Axolotl.Images.Oci;
using Axolotl.SeedImages.Layers;
using Axolotl.SeedImages.Servers;

namespace Axolotl.SeedImages;

/// <summary>
/// Builds every seed image into one OCI image layout: busybox and alpine from Debian's static busybox,
/// debian and python from the installed Debian packages, nginx and postgres from Debian's nginx and
/// PostgreSQL, and the sample-app images (debian, or busybox for -alpine tags, the apps' runtime
/// dependencies, the apps, and a small layer of the real image's program names). An image whose input
/// is not on this machine is skipped (see <see cref="Skipped"/>); the others are still built.
/// </summary>
public sealed class SeedImageSet(ContentStore store, string sampleAppsBuild)
{
    private const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static readonly string[] DebianPackages =
    [
        "base-files", "bash", "coreutils", "dash", "debianutils", "diffutils", "findutils", "grep", "gzip", "hostname",
        "sed", "tar", "mawk", "ncurses-base", "libc-bin", "procps", "netbase",
    ];

    private static readonly string[] PythonPackages =
    [
        "python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib", "python3-minimal", "python3", "libpython3-stdlib", "media-types",
    ];

    /// <summary>The official Python client (Debian's python3-kubernetes 22.6) and what it imports, for pods that use in-cluster config.</summary>
    internal static readonly string[] PythonKubernetesPackages =
    [
        "python3-kubernetes", "python3-certifi", "python3-dateutil", "python3-google-auth", "python3-cachetools", "python3-pyasn1",
        "python3-pyasn1-modules", "python3-rsa", "python3-requests", "python3-urllib3", "python3-idna", "python3-charset-normalizer",
        "python3-chardet", "python3-requests-oauthlib", "python3-oauthlib", "python3-six", "python3-websocket", "python3-yaml",
        "python3-setuptools", "python3-pkg-resources", "python3-jwt", "python3-blinker", "python3-cryptography", "python3-cffi-backend",
        "python3-distutils", "python3-lib2to3",
    ];

    private readonly List<(string Reference, OciDescriptor Manifest)> _images = [];
    private readonly Dictionary<string, BuiltLayer> _shims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Lazy<Task<BuiltLayer>>> _layers = new(StringComparer.Ordinal);

    public IReadOnlyList<(string Reference, OciDescriptor Manifest)> Images => _images;

    /// <summary>The images left out because an input (a Debian package, the static busybox) is not on this machine.</summary>
    public SkippedImages Skipped { get; } = new();

    public async Task BuildAsync(CancellationToken ct)
    {
        var busybox = Layer("busybox", BusyboxLayer.Build, ct);
        await ImageAsync(["docker.io/library/busybox"], ["latest", "stable", "glibc", "musl", "uclibc", "1.35", "1.35.0", "1.36", "1.36.0", "1.36.1", "1.37", "1.37.0", "1.38", "1.38.0"],
            [busybox], new OciContainerConfig { Cmd = ["sh"], Env = [DefaultPath] }, ct);
        await ImageAsync(["docker.io/library/alpine"], ["latest", "3", "3.18", "3.19", "3.20", "3.21", "3.22"],
            [busybox], new OciContainerConfig { Cmd = ["/bin/sh"], Env = [DefaultPath] }, ct);

        var debian = Layer("debian", () => UnixAccounts.AddRoot(DebianPackagesLayer.Add(new EntrySet(), DebianPackages), UnixAccounts.DebianPasswd, UnixAccounts.DebianGroup,
            "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n"), ct);
        await ImageAsync(["docker.io/library/debian"], ["latest", "bookworm", "bookworm-slim", "12", "12-slim", "stable", "stable-slim"],
            [debian], new OciContainerConfig { Cmd = ["bash"], Env = [DefaultPath] }, ct);

        var python = Layer("python", () => DebianPackagesLayer.Add(new EntrySet(), PythonPackages)
            .Symlink("/usr/local/bin/python", "/usr/bin/python3"), ct);
        await ImageAsync(["docker.io/library/python"], ["latest", "3", "3.11", "3.11.2", "slim", "3-slim", "3.11-slim", "3.11-slim-bookworm", "3.11-bookworm"],
            [debian, python], new OciContainerConfig { Cmd = ["python3"], Env = [DefaultPath, "LANG=C.UTF-8", "PYTHON_VERSION=3.11.2"] }, ct);
        var pythonKubernetes = Layer("python-kubernetes", () => DebianPackagesLayer.Add(new EntrySet(), PythonKubernetesPackages), ct);
        await ImageAsync(["docker.io/axolotl/python-kubernetes"], ["latest", "22.6"],
            [debian, python, pythonKubernetes], new OciContainerConfig { Cmd = ["python3"], Env = [DefaultPath, "LANG=C.UTF-8", "PYTHON_VERSION=3.11.2"] }, ct);

        await ServersAsync(debian, ct);

        // As the originals: Debian-based, except the -alpine tags, which have busybox's sh and no bash.
        var libraries = DotnetAppLayers.RuntimeLibraries(sampleAppsBuild);
        var onDebian = Layer("dotnet-on-debian", () => DotnetAppLayers.RuntimeDependencies(libraries, Usrmerge.Path), ct);
        var onBusybox = Layer("dotnet-on-busybox", () => DotnetAppLayers.RuntimeDependencies(libraries, path => path), ct);
        // curl, which the Debian-based originals carry and the examples exec (curl localhost/reset).
        var curl = Layer("curl", () => DebianPackagesLayer.Add(new EntrySet(), ["curl"]), ct);
        var apps = await WriteAsync(DotnetAppLayers.App(sampleAppsBuild), ct);
        foreach (var app in SeedApps.All)
        {
            foreach (var tag in app.Tags)
            {
                var defaultArgs = app.DefaultArgs(tag);
                var environment = app.Environment(tag);
                var shims = await ShimsAsync(app, defaultArgs, ct);
                var config = new OciContainerConfig
                {
                    Entrypoint = [DotnetAppLayers.Executable, app.App],
                    Cmd = defaultArgs.Count > 0 ? defaultArgs : null,
                    Env = [DefaultPath, .. environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")],
                };
                Lazy<Task<BuiltLayer>>[] bases = tag.Contains("alpine", StringComparison.Ordinal) ? [busybox, onBusybox] : [debian, onDebian, curl];
                await ImageAsync(app.Repositories, [tag], [.. bases, Built(apps), .. shims.Select(Built)], config, ct);
            }
        }
    }

    /// <summary>nginx and postgres from Debian's real packages, every tag on the Debian root (-alpine tags too).</summary>
    private async Task ServersAsync(Lazy<Task<BuiltLayer>> debian, CancellationToken ct)
    {
        var nginx = Layer("nginx", NginxImage.Packaged, ct);
        var nginxConfig = Layer("nginx-config", NginxImage.Configuration, ct);
        foreach (var tag in SeedApps.NginxTags())
        {
            var version = SeedApps.NginxVersion(tag);
            var header = Layer("nginx-header-" + version, () => NginxImage.ServerHeader(version), ct);
            await ImageAsync(["docker.io/library/nginx"], [tag], [debian, nginx, nginxConfig, header], new OciContainerConfig
            {
                Entrypoint = NginxImage.Entry,
                Cmd = NginxImage.Command,
                Env = [DefaultPath, "NGINX_VERSION=" + version],
                ExposedPorts = new Dictionary<string, object> { ["80/tcp"] = new Dictionary<string, object>() },
            }, ct);
        }

        var postgres = Layer("postgres", PostgresImage.Packaged, ct);
        var postgresSetup = Layer("postgres-setup", PostgresImage.Setup, ct);
        await ImageAsync(["docker.io/library/postgres"], SeedApps.PostgresTags(), [debian, postgres, postgresSetup], new OciContainerConfig
        {
            Entrypoint = PostgresImage.Entry,
            Cmd = PostgresImage.Command,
            Env = PostgresImage.Environment,
            ExposedPorts = new Dictionary<string, object> { ["5432/tcp"] = new Dictionary<string, object>() },
        }, ct);
    }

    /// <summary>A layer built once, when an image first needs it (one at a time: the store is written in order); a missing input fails every image that uses it.</summary>
    private Lazy<Task<BuiltLayer>> Layer(string key, Func<EntrySet> build, CancellationToken ct)
    {
        if (!_layers.TryGetValue(key, out var layer))
        {
            layer = new Lazy<Task<BuiltLayer>>(() => BuildLayerAsync(build, ct));
            _layers[key] = layer;
        }

        return layer;
    }

    private static Lazy<Task<BuiltLayer>> Built(BuiltLayer layer) => new(() => Task.FromResult(layer));

    // Async, so a missing input thrown by build() lands in the task, for every image that awaits it.
    private async Task<BuiltLayer> BuildLayerAsync(Func<EntrySet> build, CancellationToken ct) => await WriteAsync(build(), ct);

    private async Task<IReadOnlyList<BuiltLayer>> ShimsAsync(SeedApp app, IReadOnlyList<string> defaultArgs, CancellationToken ct)
    {
        var scripts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var executable in app.Executables)
        {
            scripts[InstallPath(executable)] = Script(app.App, app.ExecutablesKeepDefaultArgs ? defaultArgs : []);
        }

        foreach (var (tool, toolApp) in app.Tools)
        {
            scripts[InstallPath(tool)] = Script(toolApp, []);
        }

        if (scripts.Count == 0)
        {
            return [];
        }

        var key = string.Join('\0', scripts.Select(s => s.Key + "\0" + s.Value));
        if (!_shims.TryGetValue(key, out var layer))
        {
            var set = new EntrySet();
            foreach (var (path, script) in scripts)
            {
                set.Text(path, script, (UnixFileMode)0b111_101_101);
            }

            layer = await WriteAsync(set, ct);
            _shims[key] = layer;
        }

        return [layer];
    }

    private static string InstallPath(string executable) => executable.StartsWith('/') ? executable : "/usr/local/bin/" + executable;

    private static string Script(string app, IReadOnlyList<string> args)
    {
        var text = new StringBuilder("#!/bin/sh\n# Stands in for the real image's program: runs the sample app.\nexec ");
        text.Append(DotnetAppLayers.Executable).Append(' ').Append(app);
        foreach (var arg in args)
        {
            text.Append(" '").Append(arg.Replace("'", "'\\''", StringComparison.Ordinal)).Append('\'');
        }

        return text.Append(" \"$@\"\n").ToString();
    }

    private Task<BuiltLayer> WriteAsync(EntrySet set, CancellationToken ct) =>
        LayerWriter.WriteAsync(store, set.Entries, LayerCompression.None, ct);

    private async Task ImageAsync(IReadOnlyList<string> repositories, IReadOnlyList<string> tags, IReadOnlyList<Lazy<Task<BuiltLayer>>> layers, OciContainerConfig config, CancellationToken ct)
    {
        var built = new List<BuiltLayer>();
        foreach (var layer in layers)
        {
            try
            {
                built.Add(await layer.Value);
            }
            catch (MissingInputException e)
            {
                Skipped.Add(repositories, tags.Count, e.Package, e.Message);
                return;
            }
        }

        var manifest = await ImageWriter.WriteImageAsync(store, built, config, ct);
        foreach (var repository in repositories)
        {
            foreach (var tag in tags)
            {
                _images.Add((string.Create(CultureInfo.InvariantCulture, $"{repository}:{tag}"), manifest));
            }
        }
    }
}
