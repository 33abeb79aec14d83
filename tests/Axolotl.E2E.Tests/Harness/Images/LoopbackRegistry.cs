using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Axolotl.E2E.Tests.Harness.Images;

/// <summary>
/// Debian's docker-registry (distribution 2.8) on a loopback port, optionally behind a token server
/// as Docker Hub does it. Images are pushed with skopeo; the registry's access log tells how many
/// manifest and blob requests a test caused. Stopped by PID, its directory removed, on dispose.
/// </summary>
public sealed partial class LoopbackRegistry : IAsyncDisposable
{
    private readonly BackgroundProcess _process;
    private readonly string _dir;

    private LoopbackRegistry(BackgroundProcess process, string dir, int port, RegistryTokenServer? tokens, RegistryCertificates? mutualTls)
    {
        _process = process;
        _dir = dir;
        Port = port;
        Tokens = tokens;
        MutualTls = mutualTls;
    }

    public int Port { get; }

    /// <summary>host:port, the registry part of an image reference.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public RegistryTokenServer? Tokens { get; }

    /// <summary>Set when the registry serves HTTPS and demands a client certificate signed by this CA.</summary>
    public RegistryCertificates? MutualTls { get; }

    public static bool Available => File.Exists("/usr/bin/docker-registry") && File.Exists("/usr/bin/skopeo") && File.Exists("/usr/bin/umoci");

    /// <param name="tokenAuth">Token auth: anonymous callers get nothing, <see cref="RegistryTokenServer.User"/> may pull and push.</param>
    /// <param name="mutualTls">HTTPS only, and only for callers presenting a client certificate of the registry's own CA.</param>
    public static async Task<LoopbackRegistry> StartAsync(bool tokenAuth = false, bool mutualTls = false)
    {
        var dir = Directory.CreateTempSubdirectory("axl-registry-").FullName;
        var port = LoopbackPorts.Free();
        var tokens = tokenAuth ? RegistryTokenServer.Start(dir) : null;
        var certificates = mutualTls ? RegistryCertificates.Create(Path.Combine(dir, "certs")) : null;
        var tls = certificates is null
            ? ""
            : $", tls: {{certificate: \"{certificates.ServerCertificateFile}\", key: \"{certificates.ServerKeyFile}\", clientcas: [\"{certificates.CaFile}\"]}}";
        var auth = tokens is null
            ? ""
            : $"auth: {{token: {{realm: \"{tokens.Realm}\", service: {RegistryTokenServer.Service}, issuer: {RegistryTokenServer.Issuer}, rootcertbundle: \"{tokens.CertificateFile}\"}}}}\n";
        var config = Path.Combine(dir, "config.yml");
        await File.WriteAllTextAsync(config, $$$"""
            version: 0.1
            log: {level: info, accesslog: {disabled: false}}
            storage: {filesystem: {rootdirectory: "{{{dir}}}/data"}, delete: {enabled: true}}
            http: {addr: "127.0.0.1:{{{port}}}"{{{tls}}}}
            {{{auth}}}
            """);
        var process = BackgroundProcess.Start("/usr/bin/docker-registry", ["serve", config], new Dictionary<string, string>());
        var registry = new LoopbackRegistry(process, dir, port, tokens, certificates);
        await Eventually.UntilAsync(async () =>
        {
            Assert.False(process.HasExited, $"docker-registry exited: {process.Stderr}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, up => up, $"docker-registry listening on {port}", TimeSpan.FromSeconds(20));
        return registry;
    }

    /// <summary>Pushes an OCI layout's tag as host/<paramref name="repository"/>:<paramref name="tag"/>; returns the full reference.</summary>
    public async Task<string> PushAsync(string layout, string layoutTag, string repository, string tag, bool all = false)
    {
        var reference = $"{Host}/{repository}:{tag}";
        var args = new List<string> { "copy", "--quiet" };
        if (MutualTls is not null)
        {
            // skopeo's cert dir: *.crt are trusted CAs, a *.cert with its *.key is the client certificate.
            args.Add("--dest-cert-dir");
            args.Add(MutualTls.Directory);
        }
        else
        {
            args.Add("--dest-tls-verify=false");
        }

        if (all)
        {
            args.Add("--all");
        }

        if (Tokens is not null)
        {
            args.Add("--dest-creds");
            args.Add($"{RegistryTokenServer.User}:{RegistryTokenServer.Password}");
        }

        args.Add($"oci:{layout}:{layoutTag}");
        args.Add($"docker://{reference}");
        var result = await ProcessRunner.RunAsync("/usr/bin/skopeo", args);
        Assert.True(result.ExitCode == 0, $"skopeo push of {reference} failed: {result.Stderr}");
        return reference;
    }

    /// <summary>How many GET requests for <paramref name="repository"/>'s manifests the registry has served (any status).</summary>
    public int ManifestGets(string repository) =>
        ManifestLine().Matches(_process.Stderr + _process.Stdout).Count(m => m.Groups["repo"].Value == repository);

    /// <summary>How many blob GETs the registry has served (redirects and errors included).</summary>
    public int BlobGets(string repository) =>
        BlobLine().Matches(_process.Stderr + _process.Stdout).Count(m => m.Groups["repo"].Value == repository);

    public string Log => _process.Stderr + _process.Stdout;

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Tokens?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    // Access log lines: ... "GET /v2/test/busybox/manifests/1.0 HTTP/1.1" 200 ...
    [GeneratedRegex("\"GET /v2/(?<repo>[^ \"]+)/manifests/[^ \"]+ HTTP")]
    private static partial Regex ManifestLine();

    [GeneratedRegex("\"GET /v2/(?<repo>[^ \"]+)/blobs/sha256:[0-9a-f]+ HTTP")]
    private static partial Regex BlobLine();
}
