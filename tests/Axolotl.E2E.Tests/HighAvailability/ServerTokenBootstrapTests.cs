using Axolotl.E2E.Tests.Etcd;
using Axolotl.E2E.Tests.Harness;
using Axolotl.Testing.Etcd;

namespace Axolotl.E2E.Tests.HighAvailability;

/// <summary>
/// `axolotl server --token-file` on etcd: a second server started with only the etcd endpoints and the token
/// takes the cluster's CAs, keys and tokens from the store (sealed there by the first with the token), so one
/// admin token and one CA serve both and a Secret encrypted through one reads through the other; a server with
/// another token is refused at start.
/// </summary>
public sealed class ServerTokenBootstrapTests
{
    [Fact]
    public async Task A_second_server_with_only_the_token_joins_the_cluster_and_a_wrong_token_is_refused()
    {
        await using var etcd = await EtcdMember.StartAsync(CancellationToken.None);
        var secrets = Directory.CreateTempSubdirectory("axolotl-e2e-token-").FullName;
        AxolotlServer? first = null;
        AxolotlServer? second = null;
        try
        {
            var tokenFile = Path.Combine(secrets, "server-token");
            await File.WriteAllTextAsync(tokenFile, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)) + "\n");
            var port = HighAvailabilityTests.FreePortOnBoth("127.0.0.4", "127.0.0.5");
            string[] shared = ["--datastore-endpoint", etcd.ClientUrl.ToString().TrimEnd('/'), "--local-agent", "false", "--service-cidr", "10.98.0.0/16", "--token-file", tokenFile];
            first = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.4", extraArgs: [.. shared, "--advertise-address", "192.0.2.4"]);
            second = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.5", extraArgs: [.. shared, "--advertise-address", "192.0.2.5"]);

            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(first.DataDir, "pki", "ca.crt")), await File.ReadAllTextAsync(Path.Combine(second.DataDir, "pki", "ca.crt")));
            Assert.Equal(KubeconfigFile.Token(first.Kubeconfig), KubeconfigFile.Token(second.Kubeconfig));
            Assert.Contains("are the ones the datastore holds for --token-file", second.Log);
            Assert.DoesNotContain("are the ones the datastore holds for --token-file", first.Log);

            var kubectl1 = new Kubectl(first);
            var kubectl2 = new Kubectl(second);
            await kubectl1.OkAsync("create", "secret", "generic", "shared", "--from-literal=password=s3cret");
            Assert.Equal("czNjcmV0", await kubectl2.OkAsync("get", "secret", "shared", "-o", "jsonpath={.data.password}"));

            // The store holds the sealed secrets under a hash of the token, never the CA key in clear.
            var bootstrap = await EtcdKeys.ListAsync(etcd.ClientUrl, "/registry/axolotl.io/bootstrap/");
            var sealedValue = Assert.Single(bootstrap).Value;
            Assert.DoesNotContain("PRIVATE KEY", System.Text.Encoding.UTF8.GetString(sealedValue));

            var otherToken = Path.Combine(secrets, "other-token");
            await File.WriteAllTextAsync(otherToken, "not-the-clusters-token-at-all\n");
            var dataDir = Directory.CreateTempSubdirectory("axolotl-e2e-token-wrong-").FullName;
            try
            {
                var refused = await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(),
                    ["server", "--data-dir", dataDir, "--bind", "127.0.0.6", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--datastore-endpoint", etcd.ClientUrl.ToString().TrimEnd('/'), "--local-agent", "false", "--token-file", otherToken],
                    timeout: TimeSpan.FromMinutes(2));
                Assert.NotEqual(0, refused.ExitCode);
                Assert.Contains("bootstrapped with another token", refused.Stderr);
                Assert.False(File.Exists(Path.Combine(dataDir, "pki", "ca.key")), "a refused server made a CA of its own");
            }
            finally
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
        finally
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }
            if (first is not null)
            {
                await first.DisposeAsync();
            }
            Directory.Delete(secrets, recursive: true);
        }
    }
}
