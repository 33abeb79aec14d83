using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Node;

/// <summary>
/// A second server or agent on a data dir a server is running on is refused in one line that names the holder
/// (role and pid), with a non-zero exit and no stack trace; the running server is unaffected.
/// </summary>
public sealed class DataDirInUseTests
{
    [Fact]
    public async Task A_second_server_or_agent_on_a_data_dir_in_use_is_refused_in_one_line_naming_the_holder()
    {
        await using var server = await AxolotlServer.StartAsync();
        var binary = await AxolotlServer.EnsureBuiltAsync();

        var secondServer = await ProcessRunner.RunAsync(binary,
            ["server", "--data-dir", server.DataDir, "--port", LoopbackPorts.Free().ToString(), "--bind", "127.0.0.1", "--local-agent", "false"],
            timeout: TimeSpan.FromMinutes(1));
        var agent = await ProcessRunner.RunAsync(binary,
            ["agent", "--server", $"https://127.0.0.1:{server.Port}", "--token-file", AxolotlAgent.ServerTokenFile(server), "--data-dir", server.DataDir,
             "--node-name", "e2e-same-dir"],
            timeout: TimeSpan.FromMinutes(1));

        Assert.Equal(2, secondServer.ExitCode);
        Assert.Equal(
            $"error: the data dir {server.DataDir} is in use by an axolotl server (pid {server.Pid}); stop it first, or give this server a data dir of its own (--data-dir)",
            secondServer.Stderr.Trim());
        Assert.Equal("", secondServer.Stdout);
        Assert.Equal(2, agent.ExitCode);
        Assert.Equal(
            $"error: the data dir {server.DataDir} is in use by an axolotl server (pid {server.Pid}); stop it first, or give this agent a data dir of its own (--data-dir)",
            agent.Stderr.Trim());
        Assert.DoesNotContain("   at ", secondServer.Output + agent.Output, StringComparison.Ordinal);
        // The running server is untouched.
        Assert.Equal("Active", (await new Kubectl(server).OkAsync("get", "namespace", "default", "-o", "jsonpath={.status.phase}")).Trim());
    }
}
