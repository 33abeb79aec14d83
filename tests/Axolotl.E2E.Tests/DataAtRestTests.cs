using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>Issue 15 row 11: what the server keeps on disk is for root alone.</summary>
public sealed class DataAtRestTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task The_data_dir_is_0700_and_its_database_keys_and_tokens_0600()
    {
        var ns = await fx.NewNamespaceAsync("at-rest");
        await fx.Kubectl.OkAsync("create", "secret", "generic", "db", "-n", ns, "--from-literal=password=hunter2");
        await fx.Kubectl.OkWithInputAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: reader}
            spec:
              containers:
              - {name: c, image: busybox, command: [sh, -c, "cat /secret/password; echo; sleep 3600"], volumeMounts: [{name: s, mountPath: /secret}]}
              volumes: [{name: s, secret: {secretName: db}}]
            """, "apply", "-n", ns, "-f", "-");
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout.Contains("hunter2", StringComparison.Ordinal), "the pod's output", "logs", "reader", "-n", ns);

        var dataDir = fx.Server.DataDir;

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataDir));
        string[] secrets =
        [
            "state.db", "state.db-wal", "kubeconfig", "join-token", "pki/ca.key", "pki/apiserver.key", "tokens/admin", "tokens/kubelet-client",
        ];
        foreach (var file in secrets.Select(f => Path.Combine(dataDir, f)).Where(File.Exists))
        {
            Assert.True((File.GetUnixFileMode(file) & GroupOrOther) == 0, $"{file} is {File.GetUnixFileMode(file)}");
        }
        Assert.True(File.Exists(Path.Combine(dataDir, "state.db-wal")), "the WAL is checked too");
    }

    [Fact]
    public async Task Secrets_are_encrypted_in_the_database_and_read_back_across_a_restart()
    {
        await using var server = await AxolotlServer.StartAsync();
        var kubectl = new Kubectl(server);
        await kubectl.OkAsync("create", "secret", "generic", "vault", "--from-literal=password=hunter2-at-rest");
        await kubectl.OkAsync("create", "configmap", "open", "--from-literal=color=plain-blue-at-rest");

        var raw = RawDatabase(server.DataDir);

        Assert.DoesNotContain("hunter2-at-rest", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String("hunter2-at-rest"u8.ToArray()), raw, StringComparison.Ordinal);
        Assert.Contains("k8s:enc:aesgcm:v1:key1:", raw, StringComparison.Ordinal);
        Assert.Contains("plain-blue-at-rest", raw, StringComparison.Ordinal);
        Assert.Equal("hunter2-at-rest", await DecodedPasswordAsync(kubectl));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(server.DataDir, "encryption-config.yaml")));

        await server.StopAsync();
        await server.RestartAsync();

        Assert.Equal("hunter2-at-rest", await DecodedPasswordAsync(kubectl));
    }

    private static async Task<string> DecodedPasswordAsync(Kubectl kubectl) =>
        System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(await kubectl.OkAsync("get", "secret", "vault", "-o", "jsonpath={.data.password}")));

    /// <summary>The database and its WAL as bytes, read as Latin-1 so any stored text shows.</summary>
    private static string RawDatabase(string dataDir) =>
        string.Concat(new[] { "state.db", "state.db-wal" }.Select(f => Path.Combine(dataDir, f)).Where(File.Exists)
            .Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));

    [Fact]
    public async Task A_data_dir_an_older_release_left_open_is_closed_at_start()
    {
        await using var server = await AxolotlServer.StartAsync();
        await server.StopAsync();
        File.SetUnixFileMode(server.DataDir, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(server.DataDir, "state.db"), (UnixFileMode)0b110_100_100);

        await server.RestartAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(server.DataDir));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(server.DataDir, "state.db")));
    }
}
