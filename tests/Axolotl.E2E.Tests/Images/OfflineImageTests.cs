using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.Images;

namespace Axolotl.E2E.Tests.Images;

/// <summary>
/// Images without a registry: `axolotl images import` of a docker save tarball and of an OCI archive
/// into a running server's node, `images ls` and `rm`; and the airgap folder (DATA/agent/images/)
/// imported at start, as k3s does. Pods use them with imagePullPolicy Never.
/// </summary>
public sealed class OfflineImageTests(OfflineImageFixture images) : IClassFixture<OfflineImageFixture>
{
    private OciLayoutBuilder Images => images.Images;

    private async Task<string> ArchiveAsync(string transport, string name, string directory)
    {
        var file = Path.Combine(directory, $"{transport}-{Guid.NewGuid():N}.tar");
        var result = await ProcessRunner.RunAsync("/usr/bin/skopeo", ["copy", "--quiet", $"oci:{Images.Layout}:offline", $"{transport}:{file}:{name}"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return file;
    }

    private static async Task RunNeverPulledPodAsync(Kubectl kubectl, string name, string image)
    {
        await kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: app, image: "{{image}}", imagePullPolicy: Never}
            """, "apply", "-f", "-");
        await Eventually.KubectlAsync(kubectl, r => r.Stdout == "Running", $"{name} Running", "get", "pod", name, "-o", "jsonpath={.status.phase}");
        Assert.Equal("offline\n", await kubectl.OkAsync("exec", name, "--", "cat", "/etc/offline-marker"));
    }

    [Fact]
    public async Task Images_import_ls_and_rm_work_on_a_running_servers_node()
    {
        await using var server = await AxolotlServer.StartAsync();
        var kubectl = new Kubectl(server);
        var axolotl = await AxolotlServer.EnsureBuiltAsync();
        var dockerSave = await ArchiveAsync("docker-archive", "example.com/offline/saved:1.0", server.DataDir);
        var ociArchive = await ArchiveAsync("oci-archive", "example.com/offline/oci:2.0", server.DataDir);

        var import = await ProcessRunner.RunAsync(axolotl, ["images", "import", dockerSave, ociArchive, "--data-dir", server.DataDir]);
        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Contains("imported example.com/offline/saved:1.0", import.Stdout, StringComparison.Ordinal);
        Assert.Contains("imported example.com/offline/oci:2.0", import.Stdout, StringComparison.Ordinal);

        var list = await ProcessRunner.RunAsync(axolotl, ["images", "ls", "--data-dir", server.DataDir]);
        Assert.Matches(@"example\.com/offline/saved\s+1\.0\s+[0-9a-f]{13}\s+[0-9.]+[kM]B", list.Stdout);

        await RunNeverPulledPodAsync(kubectl, "saved", "example.com/offline/saved:1.0");
        await RunNeverPulledPodAsync(kubectl, "oci", "example.com/offline/oci:2.0");

        var bad = await ProcessRunner.RunAsync(axolotl, ["images", "import", Path.Combine(server.DataDir, "kubeconfig"), "--data-dir", server.DataDir]);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("kubeconfig", bad.Stderr, StringComparison.Ordinal);

        var rm = await ProcessRunner.RunAsync(axolotl, ["images", "rm", "example.com/offline/oci:2.0", "--data-dir", server.DataDir]);
        Assert.True(rm.ExitCode == 0, rm.Stderr);
        Assert.DoesNotContain("offline/oci", (await ProcessRunner.RunAsync(axolotl, ["images", "ls", "--data-dir", server.DataDir])).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archives_in_the_airgap_folder_are_imported_when_the_node_starts()
    {
        var dataDir = Directory.CreateTempSubdirectory("axolotl-e2e-").FullName;
        var airgap = Directory.CreateDirectory(Path.Combine(dataDir, "agent", "images")).FullName;
        await ArchiveAsync("oci-archive", "example.com/airgap/busybox:1.0", airgap);
        await using var server = await AxolotlServer.StartAsync(dataDir);
        await RunNeverPulledPodAsync(new Kubectl(server), "airgapped", "example.com/airgap/busybox:1.0");
    }
}
