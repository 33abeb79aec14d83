using Axolotl.E2E.Tests.Harness;
using Axolotl.Testing.Etcd;

namespace Axolotl.E2E.Tests.Snapshots;

/// <summary>
/// `axolotl snapshot save|restore`: a snapshot taken while the server runs brings the cluster back as it was
/// (objects, resourceVersions, Secrets readable), refuses damaged files and occupied stores, and moves a
/// cluster from SQLite to etcd.
/// </summary>
public sealed class SnapshotTests
{
    private static readonly string[] NoAgent = ["--local-agent", "false"];

    [Fact]
    public async Task A_snapshot_saved_while_serving_restores_the_objects_with_their_resource_versions()
    {
        await using var server = await AxolotlServer.StartAsync(extraArgs: NoAgent);
        var kubectl = new Kubectl(server);
        await kubectl.OkAsync("create", "configmap", "settings", "--from-literal=color=blue");
        await kubectl.OkAsync("create", "secret", "generic", "db", "--from-literal=password=kept-in-snapshot");
        var rv = await kubectl.OkAsync("get", "configmap", "settings", "-o", "jsonpath={.metadata.resourceVersion}");
        var file = Path.Combine(server.DataDir, "..", Path.GetFileName(server.DataDir) + ".snapshot");

        var saved = await AxolotlAsync("snapshot", "save", file, "--data-dir", server.DataDir);

        Assert.True(saved.ExitCode == 0, saved.ToString());
        Assert.Matches(@"Saved \d+ keys at revision \d+ to ", saved.Stdout);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        await kubectl.OkAsync("patch", "configmap", "settings", "-p", """{"data":{"color":"red"}}""");
        await kubectl.OkAsync("create", "configmap", "after-the-snapshot");

        Assert.Equal(0, await server.StopAsync());
        var occupied = await AxolotlAsync("snapshot", "restore", file, "--data-dir", server.DataDir);
        Assert.NotEqual(0, occupied.ExitCode);
        Assert.Contains("state.db exists: stop the server, move it aside", occupied.Stderr, StringComparison.Ordinal);
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var path = Path.Combine(server.DataDir, "state.db" + suffix);
            if (File.Exists(path))
            {
                File.Move(path, path + ".old");
            }
        }

        var restored = await AxolotlAsync("snapshot", "restore", file, "--data-dir", server.DataDir);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        await server.RestartAsync();

        Assert.Equal("blue", await kubectl.OkAsync("get", "configmap", "settings", "-o", "jsonpath={.data.color}"));
        Assert.Equal(rv, await kubectl.OkAsync("get", "configmap", "settings", "-o", "jsonpath={.metadata.resourceVersion}"));
        Assert.Contains("NotFound", await kubectl.FailAsync("get", "configmap", "after-the-snapshot"), StringComparison.Ordinal);
        var password = await kubectl.OkAsync("get", "secret", "db", "-o", "jsonpath={.data.password}");
        Assert.Equal("kept-in-snapshot", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(password)));
        // Writes go on after the snapshot's revision: a new object's resourceVersion is above the restored one's.
        await kubectl.OkAsync("create", "configmap", "new-after-restore");
        var newer = await kubectl.OkAsync("get", "configmap", "new-after-restore", "-o", "jsonpath={.metadata.resourceVersion}");
        Assert.True(long.Parse(newer, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(rv, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_damaged_snapshot_is_refused_before_anything_is_written()
    {
        await using var server = await AxolotlServer.StartAsync(extraArgs: NoAgent);
        var file = Path.Combine(server.DataDir, "..", Path.GetFileName(server.DataDir) + ".snapshot");
        var saved = await AxolotlAsync("snapshot", "save", file, "--data-dir", server.DataDir);
        Assert.True(saved.ExitCode == 0, saved.ToString());
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x5a;
        await File.WriteAllBytesAsync(file, bytes);
        var target = Directory.CreateTempSubdirectory("axolotl-restore-").FullName;
        try
        {
            var restored = await AxolotlAsync("snapshot", "restore", file, "--data-dir", target);

            Assert.NotEqual(0, restored.ExitCode);
            Assert.StartsWith("error: " + Path.GetFullPath(file) + ": ", restored.Stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(target, "state.db")), "a damaged snapshot left a database behind");
        }
        finally
        {
            Directory.Delete(target, recursive: true);
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_sqlite_snapshot_restored_into_etcd_moves_the_cluster_there()
    {
        await using var server = await AxolotlServer.StartAsync(extraArgs: NoAgent);
        var kubectl = new Kubectl(server);
        await kubectl.OkAsync("create", "namespace", "moving");
        await kubectl.OkAsync("create", "configmap", "settings", "-n", "moving", "--from-literal=color=green");
        var file = Path.Combine(server.DataDir, "..", Path.GetFileName(server.DataDir) + ".snapshot");
        Assert.Equal(0, (await AxolotlAsync("snapshot", "save", file, "--data-dir", server.DataDir)).ExitCode);
        Assert.Equal(0, await server.StopAsync());
        await using var etcd = await EtcdMember.StartAsync(CancellationToken.None);
        var endpoint = etcd.ClientUrl.ToString();

        var restored = await AxolotlAsync("snapshot", "restore", file, "--datastore-endpoint", endpoint);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains("into etcd", restored.Stdout, StringComparison.Ordinal);
        var again = await AxolotlAsync("snapshot", "restore", file, "--datastore-endpoint", endpoint);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("the store is not empty", again.Stderr, StringComparison.Ordinal);

        await using var onEtcd = await AxolotlServer.StartAsync(server.DataDir, extraArgs: [.. NoAgent, "--datastore-endpoint", endpoint]);
        Assert.Equal("green", await new Kubectl(onEtcd).OkAsync("get", "configmap", "settings", "-n", "moving", "-o", "jsonpath={.data.color}"));
        File.Delete(file);
    }

    private static async Task<ProcessResult> AxolotlAsync(params string[] args) =>
        await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(), args, timeout: TimeSpan.FromMinutes(2));
}
