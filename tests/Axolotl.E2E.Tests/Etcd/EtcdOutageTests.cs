using Axolotl.E2E.Tests.Harness;
using Axolotl.Testing.Etcd;

namespace Axolotl.E2E.Tests.Etcd;

/// <summary>
/// The server when etcd is not there: refused at start with a clear message, 503 while it is gone (no
/// hang, no crash), and back to normal, watches included, once it returns.
/// </summary>
public sealed class EtcdOutageTests
{
    [Fact]
    public async Task An_unreachable_datastore_at_start_is_a_clear_error_and_a_non_zero_exit()
    {
        var port = LoopbackPorts.Free();
        var dataDir = Directory.CreateTempSubdirectory("axolotl-e2e-etcd-").FullName;
        try
        {
            var result = await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(),
                ["server", "--data-dir", dataDir, "--bind", "127.0.0.1", "--port", LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "--local-agent", "false", "--datastore-endpoint", $"http://127.0.0.1:{port}"], timeout: TimeSpan.FromMinutes(2));

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"error: cannot reach the datastore (--datastore-endpoint http://127.0.0.1:{port})", result.Stderr);
            Assert.Contains("Connection refused", result.Stderr);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:2379")]
    [InlineData("127.0.0.1:2379")]
    public async Task A_malformed_datastore_endpoint_is_refused_before_starting(string endpoint)
    {
        var dataDir = Directory.CreateTempSubdirectory("axolotl-e2e-etcd-").FullName;
        try
        {
            var result = await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(),
                ["server", "--data-dir", dataDir, "--local-agent", "false", "--datastore-endpoint", endpoint], timeout: TimeSpan.FromMinutes(2));

            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"error: invalid --datastore-endpoint \"{endpoint}\"", result.Stderr);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Losing_etcd_gives_service_unavailable_without_hanging_and_the_server_recovers_when_it_returns()
    {
        await using var etcd = await EtcdMember.StartAsync(CancellationToken.None);
        await using var server = await AxolotlServer.StartAsync(extraArgs: ["--datastore-endpoint", etcd.ClientUrl.ToString(), "--local-agent", "false"]);
        var kubectl = new Kubectl(server);
        try
        {
            await kubectl.OkAsync("create", "configmap", "before", "--from-literal=a=1");
            await using var watcher = kubectl.Start("get", "configmaps", "-w", "--output-watch-events");
            await watcher.WaitForStdoutAsync(o => o.Contains("before", StringComparison.Ordinal), "the watch to list 'before'");

            await etcd.KillAsync();

            // kubectl's own --request-timeout would fail with a different message: these prove the server answered.
            var read = await kubectl.RunAsync(["get", "configmap", "before", "--request-timeout=60s"], stdin: null);
            var write = await kubectl.RunAsync(["create", "configmap", "during", "--from-literal=a=1", "--request-timeout=60s"], stdin: null);
            Assert.NotEqual(0, read.ExitCode);
            Assert.Contains("Error from server (ServiceUnavailable)", read.Stderr);
            Assert.Contains("etcd is unavailable", read.Stderr);
            Assert.NotEqual(0, write.ExitCode);
            Assert.Contains("etcd is unavailable", write.Stderr);
            Assert.NotNull(server.Pid);

            await etcd.RestartAsync(CancellationToken.None);

            await Eventually.KubectlAsync(kubectl, r => r.ExitCode == 0, "a create once etcd is back",
                "create", "configmap", "after", "--from-literal=a=1");
            Assert.Contains("before", await kubectl.OkAsync("get", "configmaps"));
            // The watch opened before the outage carries on from where it was.
            await watcher.WaitForStdoutAsync(o => o.Contains("after", StringComparison.Ordinal), "the old watch to show 'after'", TimeSpan.FromSeconds(60));
            Assert.False(watcher.HasExited, "the watch ended during the outage");
        }
        finally
        {
            ServerFixture.SaveLog(nameof(EtcdOutageTests), server);
        }
    }
}
