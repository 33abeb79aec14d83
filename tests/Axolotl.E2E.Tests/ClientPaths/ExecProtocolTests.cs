using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace Axolotl.E2E.Tests.ClientPaths;

/// <summary>
/// pods/exec over every WebSocket subprotocol the kubelet speaks, and none, through the API server;
/// and the official C# client's exec with its default subprotocol.
/// </summary>
[Collection(ClientPathsCollection.Name)]
public sealed class ExecProtocolTests(ClientPathsFixture fx)
{
    private const string Script = "read line; echo \"out $line\"; echo err >&2; exit 3";

    [Theory]
    [InlineData("", false, false)]
    [InlineData("channel.k8s.io", false, false)]
    [InlineData("base64.channel.k8s.io", true, false)]
    [InlineData("v4.channel.k8s.io", false, true)]
    [InlineData("v4.base64.channel.k8s.io", true, true)]
    [InlineData("v5.channel.k8s.io", false, true)]
    public async Task Exec_streams_stdin_stdout_stderr_and_the_exit_over_each_subprotocol(string protocol, bool base64, bool statusJson)
    {
        await using var exec = await ExecWebSocket.ConnectAsync(fx.Server, ClientPathsFixture.Namespace, ClientPathsFixture.Pod, protocol, Script, stdin: true);
        await exec.SendAsync(0, "hello\n"u8.ToArray());
        if (protocol.StartsWith("v5", StringComparison.Ordinal))
        {
            // v5's close of stdin: the command's read would see the end of its input next.
            await exec.SendAsync(255, [0]);
        }
        var (channels, types) = await exec.ReadUntilCloseAsync();

        Assert.Equal(protocol.Length == 0 ? null : protocol, exec.SubProtocol);
        Assert.Equal([base64 ? WebSocketMessageType.Text : WebSocketMessageType.Binary], types);
        Assert.Equal("out hello\n", channels.GetValueOrDefault(1));
        Assert.Equal("err\n", channels.GetValueOrDefault(2));
        var error = channels.GetValueOrDefault(3) ?? "";
        if (statusJson)
        {
            var status = JsonNode.Parse(error)!;
            Assert.Equal("NonZeroExitCode", (string?)status["reason"]);
            Assert.Equal("3", (string?)status["details"]!["causes"]![0]!["message"]);
        }
        else
        {
            // channel.k8s.io and its base64 form carry a failure's message as text.
            Assert.Contains("exit", error, StringComparison.Ordinal);
            Assert.Contains("3", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_subprotocol_is_refused_before_the_upgrade()
    {
        var e = await Assert.ThrowsAsync<WebSocketException>(() =>
            ExecWebSocket.ConnectAsync(fx.Server, ClientPathsFixture.Namespace, ClientPathsFixture.Pod, "v9.channel.k8s.io", "true", stdin: false));

        Assert.Contains("400", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_official_CSharp_clients_exec_runs_the_command_and_returns_its_exit_code()
    {
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fx.Server.Kubeconfig));
        var output = new StringBuilder();

        var ok = await client.NamespacedPodExecAsync(ClientPathsFixture.Pod, ClientPathsFixture.Namespace, "c", ["sh", "-c", "echo from-csharp"], false,
            async (_, stdout, _) =>
            {
                using var reader = new StreamReader(stdout);
                output.Append(await reader.ReadToEndAsync());
            }, CancellationToken.None);
        var failed = await client.NamespacedPodExecAsync(ClientPathsFixture.Pod, ClientPathsFixture.Namespace, "c", ["sh", "-c", "exit 7"], false,
            (_, _, _) => Task.CompletedTask, CancellationToken.None);

        Assert.Equal(0, ok);
        Assert.Equal("from-csharp\n", output.ToString());
        Assert.Equal(7, failed);
    }
}
