using System.Diagnostics;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.FreshMachine;

/// <summary>
/// The README's first command on a fresh machine: `./axolotl server` builds (into a folder of its own,
/// AXOLOTL_BUILD_DIR) and starts with a PATH that holds none of the seed images' programs and no package
/// tools (no apt-get or dpkg-query, no busybox, nginx, psql, curl, python3) and no static busybox for the
/// seed images. (tini, ip and nft stay: the node agent's runtime probe looks for them in the standard
/// directories, not on PATH, and without them it runs pods as plain processes, its own tested fallback.) Installing is off (AXOLOTL_INSTALL_PACKAGES=no: tests never install packages),
/// so it goes on without them: each missing package and each skipped seed image is named with what it
/// costs, and the server reaches ready.
/// </summary>
public sealed class FreshMachineTests
{
    // The seed images' programs (scripts/host-packages.tsv) and the package tools: absent on the fresh machine.
    private static readonly HashSet<string> Absent = new(StringComparer.Ordinal)
    {
        "apt", "apt-get", "apt-cache", "dpkg", "dpkg-query", "busybox", "tini-static", "nginx", "psql", "pg_isready",
        "curl", "python3", "python3.11", "zstd", "skopeo", "umoci",
    };

    [Fact]
    public async Task The_first_command_builds_and_starts_a_server_without_the_optional_packages_and_names_what_is_missing()
    {
        var work = Directory.CreateTempSubdirectory("axolotl-fresh-").FullName;
        var pathDir = Path.Combine(work, "path");
        var buildDir = Path.Combine(work, "build");
        var dataDir = Path.Combine(work, "data");
        Directory.CreateDirectory(pathDir);
        LinkPrograms(pathDir);
        var port = LoopbackPorts.Free();
        var slot = 230 + (Environment.ProcessId % 20);
        var (node, bridge, serviceCidr) = ($"e2e-fresh-{slot}", $"axlf{slot}", $"10.96.{slot}.0/24");
        var env = new Dictionary<string, string>
        {
            ["PATH"] = pathDir,
            ["AXOLOTL_BUILD_DIR"] = buildDir,
            ["AXOLOTL_INSTALL_PACKAGES"] = "no",
            ["AXOLOTL_SEED_BUSYBOX"] = Path.Combine(work, "no-busybox"),
        };
        BackgroundProcess? server = null;
        try
        {
            server = BackgroundProcess.Start(RepoPaths.AxolotlScript,
            [
                "server", "--data-dir", dataDir, "--port", port.ToString(), "--bind", "127.0.0.1", "--node-name", node, "--bridge", bridge,
                "--pod-cidr", $"10.244.{slot}.0/24", "--kubelet-port", LoopbackPorts.Free().ToString(), "--service-cidr", serviceCidr,
                // Nothing leaves the machine: no registry, no upstream resolver.
                "--airgap", "--resolv-conf", "",
                // Other tests' servers run beside it: no Ingress controller on 80/443.
                "--ingress-http-port", "0", "--ingress-https-port", "0",
            ], env);
            await WaitReadyAsync(server, port, TimeSpan.FromMinutes(25));

            var said = server.Stderr + server.Stdout;
            Assert.Contains("axolotl: warning: nginx not installed: seed image nginx skipped", said, StringComparison.Ordinal);
            Assert.Contains("axolotl: warning: busybox-static not installed: seed images busybox, alpine and the -alpine tags skipped", said, StringComparison.Ordinal);
            Assert.Matches(@"axolotl: warning: seed image docker\.io/library/busybox \(14 tags\) skipped: \S+ is not Debian's static busybox \(apt-get install busybox-static\)", said);
            Assert.Matches(@"axolotl: warning: seed image docker\.io/library/postgres \(\d+ tags\) skipped: package \S+ cannot be read: dpkg-query is not on PATH", said);
            Assert.DoesNotContain("installing", said, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(buildDir, "seed-images.skipped")), "the skipped images are listed for the next start");
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            var binary = Path.Combine(buildDir, "axolotl");
            if (File.Exists(binary))
            {
                await ProcessRunner.RunAsync(binary, ["reset", "--data-dir", dataDir], timeout: TimeSpan.FromMinutes(1));
            }

            await NodeCleanup.RemoveAsync(node, bridge, serviceCidr, Path.Combine(dataDir, "runtime"));
            await NodeCleanup.UnmountUnderAsync(dataDir);
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Every program of the system's PATH except the optional packages' ones, as links in one folder.</summary>
    private static void LinkPrograms(string pathDir)
    {
        foreach (var dir in new[] { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin" })
        {
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var program in Directory.EnumerateFileSystemEntries(dir))
            {
                var name = Path.GetFileName(program);
                var link = Path.Combine(pathDir, name);
                if (!Absent.Contains(name) && !name.StartsWith("python3", StringComparison.Ordinal) && !File.Exists(link) && !Directory.Exists(program))
                {
                    File.CreateSymbolicLink(link, program);
                }
            }
        }
    }

    private static async Task WaitReadyAsync(BackgroundProcess server, int port, TimeSpan timeout)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            Assert.False(server.HasExited, $"./axolotl server exited\n--- stdout ---\n{server.Stdout}\n--- stderr ---\n{server.Stderr}");
            if ((server.Stdout + server.Stderr).Contains("Axolotl is ready", StringComparison.Ordinal))
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"https://127.0.0.1:{port}/readyz"));
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet.
                }
            }

            await Task.Delay(200);
        }

        Assert.Fail($"./axolotl server not ready after {timeout}\n--- stdout ---\n{server.Stdout}\n--- stderr ---\n{server.Stderr}");
    }
}
