using Axolotl.E2E.Tests.Harness;
using Axolotl.Testing.Etcd;

namespace Axolotl.E2E.Tests.Etcd;

/// <summary>
/// `axolotl server --datastore-endpoint https://… --datastore-cafile/-certfile/-keyfile` on an etcd member that
/// requires client certificates: kubectl works through it, and a CA that did not sign the member's certificate
/// stops the server at start with the reason.
/// </summary>
public sealed class EtcdTlsServerTests
{
    [Fact]
    public async Task A_server_reaches_etcd_over_tls_with_its_client_certificate_and_a_wrong_ca_is_refused_at_start()
    {
        using var files = new EtcdTlsFiles();
        await using var etcd = await EtcdMember.StartTlsAsync(files, CancellationToken.None);
        var endpoint = etcd.ClientUrl.ToString().TrimEnd('/');

        await using (var server = await AxolotlServer.StartAsync(extraArgs:
            ["--local-agent", "false", "--datastore-endpoint", endpoint,
             "--datastore-cafile", files.CaFile, "--datastore-certfile", files.ClientCertFile, "--datastore-keyfile", files.ClientKeyFile]))
        {
            var kubectl = new Kubectl(server);
            await kubectl.OkAsync("create", "configmap", "over-tls", "--from-literal=k=v");
            Assert.Equal("v", await kubectl.OkAsync("get", "configmap", "over-tls", "-o", "jsonpath={.data.k}"));
            Assert.Contains($"store: etcd at {endpoint} under /registry/", server.Log);
        }

        var dataDir = Directory.CreateTempSubdirectory("axolotl-e2e-etcd-tls-").FullName;
        try
        {
            var wrongCa = await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(),
                ["server", "--data-dir", dataDir, "--bind", "127.0.0.1", "--port", FreePort(), "--local-agent", "false", "--datastore-endpoint", endpoint,
                 "--datastore-cafile", files.OtherCaFile, "--datastore-certfile", files.ClientCertFile, "--datastore-keyfile", files.ClientKeyFile],
                timeout: TimeSpan.FromMinutes(2));
            Assert.NotEqual(0, wrongCa.ExitCode);
            Assert.Contains($"error: cannot reach the datastore (--datastore-endpoint {endpoint})", wrongCa.Stderr);

            var plain = await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(),
                ["server", "--data-dir", dataDir, "--bind", "127.0.0.1", "--port", FreePort(), "--local-agent", "false", "--datastore-endpoint", "http://127.0.0.1:2379", "--datastore-cafile", files.CaFile],
                timeout: TimeSpan.FromMinutes(2));
            Assert.Equal(2, plain.ExitCode);
            Assert.Contains("need https:// endpoints", plain.Stderr);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static string FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
