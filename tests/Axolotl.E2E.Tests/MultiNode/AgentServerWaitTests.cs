using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>
/// An agent whose server is down waits for it instead of exiting (as the kubelet does), and one whose
/// first --server is dead joins through the next: the node comes up Ready either way.
/// </summary>
public sealed class AgentServerWaitTests
{
    [Fact]
    public async Task An_agent_started_while_its_server_is_down_waits_and_joins_when_the_server_is_back()
    {
        var server = await AxolotlServer.StartAsync(extraArgs: ["--local-agent", "false"]);
        AxolotlAgent? agent = null;
        try
        {
            await server.KillAsync();
            agent = await AxolotlAgent.StartNotWaitingAsync(server, ["--runtime", "fake"]);

            // It says what it waits for, and keeps waiting.
            await Eventually.UntilAsync(() => Task.FromResult(agent.Log), log => log.Contains("trying again in", StringComparison.Ordinal),
                "the agent to say it waits for the server", TimeSpan.FromSeconds(30));
            Assert.Contains($"cannot reach the server at https://127.0.0.1:{server.Port}/", agent.Log);
            Assert.NotNull(agent.Pid);

            await server.RestartAsync();
            await agent.WaitForJoinAsync(TimeSpan.FromSeconds(90));
            await Eventually.KubectlAsync(new Kubectl(server), r => r.Stdout.Trim() == "True", "the node to be Ready",
                "get", "node", agent.NodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
        }
        finally
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_agent_whose_first_server_is_dead_joins_through_the_next()
    {
        await using var server = await AxolotlServer.StartAsync(extraArgs: ["--local-agent", "false"]);
        var dead = LoopbackPorts.Free();
        await using var agent = await AxolotlAgent.StartAsync(server,
            ["--runtime", "fake", "--server", $"https://127.0.0.1:{dead},https://127.0.0.1:{server.Port}"]);
        Assert.Contains($"cannot reach the server at https://127.0.0.1:{dead}/", agent.Log);
        await Eventually.KubectlAsync(new Kubectl(server), r => r.Stdout.Trim() == "True", "the node to be Ready",
            "get", "node", agent.NodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
    }
}
