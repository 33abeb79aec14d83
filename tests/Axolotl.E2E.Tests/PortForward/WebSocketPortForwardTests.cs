using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using Axolotl.E2E.Tests.Services;

namespace Axolotl.E2E.Tests.PortForward;

/// <summary>
/// Port-forward in the client libraries' WebSocket protocols (v4.channel.k8s.io, v4.base64.channel.k8s.io,
/// and no subprotocol), with a client of our own, and with the official Python client.
/// </summary>
[Collection(SharedServerGCollection.Name)]
public sealed class WebSocketPortForwardTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private const string Request = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

    private async Task<string> HelloPodAsync(string prefix)
    {
        var ns = await fx.NewNamespaceAsync(prefix);
        await ServiceTestKit.ApplyAsync(fx, ServiceTestKit.HelloPods(ns, "hello", "hello"));
        await ServiceTestKit.UntilReadyAsync(fx, ns, "hello");
        return ns;
    }

    [Theory]
    [InlineData("v4.channel.k8s.io")]
    [InlineData("v4.base64.channel.k8s.io")]
    [InlineData("")]
    public async Task An_http_request_goes_through_each_subprotocol(string protocol)
    {
        var ns = await HelloPodAsync("pfws");
        await using var client = await WebSocketPortForwardClient.ConnectAsync(fx.Server, ns, "hello", protocol, "ports=8080");

        await client.SendAsync(0, Request);
        var channels = await client.ReadUntilCloseAsync();

        Assert.Equal(protocol.Length == 0 ? null : protocol, client.SubProtocol);
        Assert.Equal(8080, WebSocketPortForwardClient.AnnouncedPort(channels, 0));
        Assert.Equal(8080, WebSocketPortForwardClient.AnnouncedPort(channels, 1));
        var answer = WebSocketPortForwardClient.Text(channels, 0);
        Assert.StartsWith("HTTP/1.1 200 OK", answer, StringComparison.Ordinal);
        Assert.Contains("Hello from hello", answer, StringComparison.Ordinal);
        Assert.Equal("", WebSocketPortForwardClient.Text(channels, 1));
    }

    [Fact]
    public async Task Two_ports_get_two_channel_pairs_and_a_closed_port_reports_on_its_error_channel()
    {
        var ns = await HelloPodAsync("pfws-two");
        // The container runs its first instance (no restart in progress): a refused port is reported at once.
        await using var client = await WebSocketPortForwardClient.ConnectAsync(fx.Server, ns, "hello", "v4.channel.k8s.io", "ports=8080&ports=9999");

        await client.SendAsync(0, Request);
        var channels = await client.ReadUntilCloseAsync();

        Assert.Equal(9999, WebSocketPortForwardClient.AnnouncedPort(channels, 2));
        Assert.Equal(9999, WebSocketPortForwardClient.AnnouncedPort(channels, 3));
        Assert.Contains("Hello from hello", WebSocketPortForwardClient.Text(channels, 0), StringComparison.Ordinal);
        var error = WebSocketPortForwardClient.Text(channels, 3);
        Assert.StartsWith("error forwarding port 9999 to pod hello, uid ", error, StringComparison.Ordinal);
        Assert.Contains(":9999: connect: connection refused", error, StringComparison.Ordinal);
    }

    private async Task<Dictionary<int, List<byte[]>>> GetThroughPortForwardAsync(string ns)
    {
        await using var client = await WebSocketPortForwardClient.ConnectAsync(fx.Server, ns, "hello", "v4.channel.k8s.io", "ports=8080");
        await client.SendAsync(0, Request);
        return await client.ReadUntilCloseAsync();
    }

    [Fact]
    public async Task A_connection_opened_while_the_container_restarts_waits_for_it()
    {
        var ns = await HelloPodAsync("pfws-restart");

        await fx.Kubectl.KillPid1Async(ns, "hello", "kill", "1");
        var channels = await GetThroughPortForwardAsync(ns);
        if (WebSocketPortForwardClient.Text(channels, 0).Length == 0 && WebSocketPortForwardClient.Text(channels, 1).Length == 0)
        {
            // The connection reached the dying instance's socket before it closed (a server that is exiting resets what
            // it accepted, as any would); only a refused one waits for the replacement. The next one must get through.
            channels = await GetThroughPortForwardAsync(ns);
        }
        var restarts = await ServiceTestKit.UntilJsonPathAsync(fx, ns, "pod/hello", "{.status.containerStatuses[0].restartCount}", s => s == "1", "one restart");

        Assert.True(WebSocketPortForwardClient.Text(channels, 0).Contains("Hello from hello", StringComparison.Ordinal), WebSocketPortForwardClient.Text(channels, 1));
        Assert.Equal("", WebSocketPortForwardClient.Text(channels, 1));
        Assert.Equal("1", restarts);
    }

    private static string? Field(string status, string name) =>
        System.Text.Json.Nodes.JsonNode.Parse(status)?[name]?.GetValue<string>();

    [Theory]
    [InlineData("", "query parameter \"ports\" is required")]
    [InlineData("ports=0", "port \"0\" must be > 0")]
    [InlineData("ports=http", "unable to parse \"http\" as a port")]
    [InlineData("ports=70000", "value out of range")]
    public async Task Bad_ports_get_a_400_before_the_upgrade(string ports, string message)
    {
        var ns = await HelloPodAsync("pfws-bad");

        var (code, body) = await WebSocketPortForwardClient.RefusedUpgradeAsync(fx.Server, ns, "hello", ports);

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", Field(body, "reason"));
        Assert.Contains(message, Field(body, "message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pod_that_is_not_running_and_an_unknown_subprotocol_are_refused()
    {
        var ns = await fx.NewNamespaceAsync("pfws-pending");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: nowhere, namespace: {{ns}}}
            spec:
              nodeSelector: {no-such-label: "x"}
              containers: [{name: web, image: axolotl/http-hello}]
            """, "apply", "-f", "-");
        var helloNs = await HelloPodAsync("pfws-proto");

        var (pendingCode, pendingBody) = await WebSocketPortForwardClient.RefusedUpgradeAsync(fx.Server, ns, "nowhere", "ports=8080");
        var (protoCode, protoBody) = await WebSocketPortForwardClient.RefusedUpgradeAsync(fx.Server, helloNs, "hello", "ports=8080", "v5.channel.k8s.io");
        var (missingCode, _) = await WebSocketPortForwardClient.RefusedUpgradeAsync(fx.Server, ns, "absent", "ports=8080");

        Assert.Equal(400, pendingCode);
        Assert.Equal("unable to forward port because pod is not running. Current status=Pending", Field(pendingBody, "message"));
        Assert.Equal(400, protoCode);
        Assert.Contains("requested protocol(s) are not supported: [v5.channel.k8s.io]", Field(protoBody, "message"), StringComparison.Ordinal);
        Assert.Equal(404, missingCode);
    }

    /// <summary>The official Python client (Debian's python3-kubernetes) forwarding a port and reading an HTTP answer.</summary>
    [Fact]
    public async Task The_official_python_client_reads_an_http_answer_through_its_portforward()
    {
        var ns = await HelloPodAsync("pfws-py");
        const string script = """
            import sys
            from kubernetes import client, config
            from kubernetes.stream import portforward
            config.load_kube_config(config_file=sys.argv[1])
            api = client.CoreV1Api()
            pf = portforward(api.connect_get_namespaced_pod_portforward, 'hello', sys.argv[2], ports='8080')
            sock = pf.socket(8080)
            sock.setblocking(True)
            sock.sendall(b'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
            data = b''
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            sock.close()
            print(data.decode())
            print('error:', pf.error(8080))
            """;

        var result = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", script, fx.Server.Kubeconfig, ns], timeout: TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("HTTP/1.1 200 OK", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Hello from hello", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("error: None", result.Stdout, StringComparison.Ordinal);
    }
}
