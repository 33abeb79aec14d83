using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>
/// The pod network mode is the cluster's: the server publishes it on the kubernetes Service, and an agent
/// given another one is refused at its start with the reason (routes of another kind would silently not
/// carry its pods' traffic); a mode the server does not know is refused by the server.
/// </summary>
public sealed class PodNetworkFlagTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_server_publishes_its_mode_and_an_agent_with_another_one_is_refused()
    {
        Assert.Equal("host-gw", (await fx.Kubectl.OkAsync("get", "service", "kubernetes", "-o", "jsonpath={.metadata.annotations.axolotl\\.io/pod-network}")).Trim());

        await using var agent = await AxolotlAgent.StartNotWaitingAsync(fx.Server, ["--runtime", "fake", "--pod-network", "vxlan"]);
        var log = await Eventually.UntilAsync(() => Task.FromResult(agent.Log), l => l.Contains("error:", StringComparison.Ordinal), "the agent to refuse to start", TimeSpan.FromSeconds(60));
        Assert.Contains("--pod-network vxlan contradicts the cluster's host-gw", log, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => Task.FromResult(agent.Pid), pid => pid is null, "the agent to exit", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_server_given_an_unknown_mode_exits_with_the_choices()
    {
        var dataDir = Directory.CreateTempSubdirectory("axolotl-e2e-podnet-").FullName;
        try
        {
            var result = await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(),
                ["server", "--data-dir", dataDir, "--pod-network", "udp", "--port", LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture)],
                timeout: TimeSpan.FromSeconds(60));
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("invalid --pod-network \"udp\": want host-gw or vxlan", result.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dataDir)); // refused before anything was made
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
