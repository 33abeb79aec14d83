using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.HighAvailability;

/// <summary>`axolotl server --secrets-from` and `--advertise-address` refuse what cannot work before anything starts.</summary>
public sealed class ServerJoinFlagTests
{
    [Fact]
    public async Task Secrets_from_without_etcd_a_dir_without_a_ca_and_a_data_dir_of_another_cluster_are_refused()
    {
        var source = Directory.CreateTempSubdirectory("axolotl-e2e-src-").FullName;
        var target = Directory.CreateTempSubdirectory("axolotl-e2e-dst-").FullName;
        try
        {
            var noEtcd = await RunServerAsync(target, "--secrets-from", source);
            Assert.Equal(2, noEtcd.ExitCode);
            Assert.Contains("error: --secrets-from needs --datastore-endpoint", noEtcd.Stderr);

            var noCa = await RunServerAsync(target, "--secrets-from", source, "--datastore-endpoint", "http://127.0.0.1:1");
            Assert.Equal(2, noCa.ExitCode);
            Assert.Contains($"error: --secrets-from {source}: no cluster CA there", noCa.Stderr);

            Directory.CreateDirectory(Path.Combine(source, "pki"));
            await File.WriteAllTextAsync(Path.Combine(source, "pki", "ca.crt"), "cluster one");
            await File.WriteAllTextAsync(Path.Combine(source, "pki", "ca.key"), "key one");
            Directory.CreateDirectory(Path.Combine(target, "pki"));
            await File.WriteAllTextAsync(Path.Combine(target, "pki", "ca.crt"), "cluster two");
            var other = await RunServerAsync(target, "--secrets-from", source, "--datastore-endpoint", "http://127.0.0.1:1");
            Assert.Equal(2, other.ExitCode);
            Assert.Contains("already belongs to another cluster (its pki/ca.crt differs); give a fresh --data-dir", other.Stderr);
            Assert.Equal("cluster two", await File.ReadAllTextAsync(Path.Combine(target, "pki", "ca.crt")));
        }
        finally
        {
            Directory.Delete(source, recursive: true);
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task A_loopback_advertise_address_is_refused_with_the_reason()
    {
        var dataDir = Directory.CreateTempSubdirectory("axolotl-e2e-adv-").FullName;
        try
        {
            var result = await RunServerAsync(dataDir, "--advertise-address", "127.0.0.2");

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("error: invalid --advertise-address \"127.0.0.2\": may not be in the loopback range (127.0.0.0/8, ::1/128)", result.Stderr);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Theory]
    [InlineData("5s", "6s", "1s", "leaseDuration must be greater than renewDeadline")]
    [InlineData("5s", "1s", "1s", "renewDeadline must be greater than retryPeriod*JitterFactor")]
    [InlineData("soon", "6s", "1s", "invalid duration \"soon\"")]
    public async Task Leader_election_timings_that_could_elect_two_leaders_are_refused(string lease, string renew, string retry, string reason)
    {
        var dataDir = Directory.CreateTempSubdirectory("axolotl-e2e-le-").FullName;
        try
        {
            var result = await RunServerAsync(dataDir, "--leader-elect-lease-duration", lease, "--leader-elect-renew-deadline", renew, "--leader-elect-retry-period", retry);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains(reason, result.Stderr);
            Assert.False(File.Exists(Path.Combine(dataDir, "kubeconfig")), "the server started anyway");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<ProcessResult> RunServerAsync(string dataDir, params string[] args) =>
        await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(),
            ["server", "--data-dir", dataDir, "--bind", "127.0.0.1", "--port", "1", "--local-agent", "false", .. args], timeout: TimeSpan.FromMinutes(2));
}
