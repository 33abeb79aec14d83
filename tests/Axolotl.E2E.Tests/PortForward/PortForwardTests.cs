using System.Net.Sockets;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using Axolotl.E2E.Tests.Services;

namespace Axolotl.E2E.Tests.PortForward;

/// <summary>
/// `kubectl port-forward` with the real kubectl: SPDY inside a WebSocket (kubectl's first choice) and
/// the direct SPDY upgrade (KUBECTL_PORT_FORWARD_WEBSOCKETS=false), through a container restart, to
/// a port nothing listens on, and to a Service.
/// </summary>
[Collection(SharedServerFCollection.Name)]
public sealed class PortForwardTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan ForwardReady = TimeSpan.FromSeconds(30);

    /// <summary>The server's warnings and errors, for failure messages.</summary>
    private string ServerErrors() =>
        string.Join('\n', fx.Server.Log.Split('\n').Where(l => l.Contains(" fail:", StringComparison.Ordinal) || l.Contains(" warn:", StringComparison.Ordinal)).TakeLast(20));

    private async Task<string> HelloPodAsync(string prefix, string pod = "hello")
    {
        var ns = await fx.NewNamespaceAsync(prefix);
        await ServiceTestKit.ApplyAsync(fx, ServiceTestKit.HelloPods(ns, "hello", pod));
        await ServiceTestKit.UntilReadyAsync(fx, ns, pod);
        return ns;
    }

    /// <summary>Starts kubectl port-forward and waits until it listens.</summary>
    private BackgroundProcess Forward(IDictionary<string, string>? env, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["KUBECONFIG"] = fx.Server.Kubeconfig, ["HOME"] = fx.Server.DataDir };
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        return BackgroundProcess.Start(Kubectl.Binary, ["--cache-dir", Path.Combine(fx.Server.DataDir, "kube-cache"), "port-forward", .. args], environment);
    }

    private static string? LastFailure { get; set; }

    private static async Task<string?> GetAsync(int port, TimeSpan? timeout = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/");
        request.Headers.ConnectionClose = true;
        try
        {
            using var response = await http.SendAsync(request);
            return (await response.Content.ReadAsStringAsync()).Trim();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
        {
            LastFailure = e.ToString();
            return null;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_local_port_reaches_the_pod_over_websocket_and_over_direct_spdy(bool websocket)
    {
        var ns = await HelloPodAsync(websocket ? "pf-ws" : "pf-spdy");
        var port = LoopbackPorts.Free();
        var env = websocket ? null : new Dictionary<string, string> { ["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = "false" };
        await using var forward = Forward(env, "-n", ns, "pod/hello", $"{port}:8080");
        await forward.WaitForStdoutAsync(s => s.Contains("Forwarding from 127.0.0.1", StringComparison.Ordinal), "port-forward to listen", ForwardReady);

        var answers = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await GetAsync(port));
        }

        Assert.True(answers.All(a => a == "Hello from hello"), $"answers: [{string.Join(", ", answers)}]\n{LastFailure}\n{forward.Stdout}\n{forward.Stderr}\n{ServerErrors()}");
        Assert.False(forward.HasExited, forward.Stderr);
        Assert.Contains("Handling connection for", forward.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_forward_keeps_working_while_the_container_is_killed_and_restarted()
    {
        var ns = await HelloPodAsync("pf-restart");
        var port = LoopbackPorts.Free();
        await using var forward = Forward(null, "-n", ns, "pod/hello", $"{port}:8080");
        await forward.WaitForStdoutAsync(s => s.Contains("Forwarding from 127.0.0.1", StringComparison.Ordinal), "port-forward to listen", ForwardReady);
        Assert.Equal("Hello from hello", await GetAsync(port));

        var kill = await fx.Kubectl.RunAsync("exec", "hello", "-n", ns, "--", "kill", "1");
        var during = new List<string?>();
        for (var i = 0; i < 10; i++)
        {
            during.Add(await GetAsync(port, TimeSpan.FromSeconds(40)));
        }
        var restarts = await ServiceTestKit.JsonPathAsync(fx, ns, "pod/hello", "{.status.containerStatuses[0].restartCount}");

        Assert.True(kill.ExitCode is 0 or 137 or 1, kill.ToString());
        Assert.All(during, a => Assert.Equal("Hello from hello", a));
        Assert.Equal("1", restarts);
        Assert.False(forward.HasExited, forward.Stderr);
    }

    /// <summary>
    /// kubectl 1.32 ends the whole port-forward after any connection's error stream carries a
    /// message (it closes the SPDY connection: "lost connection to pod"), as against a real cluster;
    /// the server's part is the clear, kubelet-style message once nothing listens.
    /// </summary>
    [Fact]
    public async Task A_port_without_a_listener_reports_a_kubelet_style_refusal()
    {
        var ns = await HelloPodAsync("pf-refused");
        var good = LoopbackPorts.Free();
        var bad = LoopbackPorts.Free();
        await using var forward = Forward(null, "-n", ns, "pod/hello", $"{good}:8080", $"{bad}:9999");
        await forward.WaitForStdoutAsync(s => s.Contains($"Forwarding from 127.0.0.1:{bad}", StringComparison.Ordinal), "port-forward to listen", ForwardReady);
        var before = await GetAsync(good);

        // No restart is in progress (the container runs its first instance): the agent reports the refusal at once.
        var refused = await GetAsync(bad, TimeSpan.FromSeconds(40));
        var stderr = await Eventually.UntilAsync(() => Task.FromResult(forward.Stderr), s => s.Contains("9999", StringComparison.Ordinal),
            "kubectl to report the failed connection", TimeSpan.FromSeconds(40));

        Assert.Equal("Hello from hello", before);
        Assert.Null(refused);
        Assert.Contains("an error occurred forwarding " + bad + " -> 9999: error forwarding port 9999 to pod hello, uid ", stderr, StringComparison.Ordinal);
        Assert.Contains(":9999: connect: connection refused", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_forward_reaches_a_pod_behind_it_and_moves_when_that_pod_is_deleted()
    {
        var ns = await fx.NewNamespaceAsync("pf-svc");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "-n", ns, "--image=axolotl/http-hello", "--replicas=2", "--port=8080");
        await fx.Kubectl.OkAsync("expose", "deployment", "web", "-n", ns, "--port=80", "--target-port=8080");
        await ServiceTestKit.UntilJsonPathAsync(fx, ns, "deployment/web", "{.status.readyReplicas}", s => s == "2", "2 ready replicas");
        // No readiness probe: Ready is not yet listening. As with the kubelet, a port-forward to a port
        // nothing listens on fails at once (and kubectl ends the forward), so wait until both answer.
        var pods = (await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var pod in pods)
        {
            await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout.Contains("Hello from", StringComparison.Ordinal), $"pod {pod} to answer",
                "get", "--raw", $"/api/v1/namespaces/{ns}/pods/{pod}:8080/proxy/");
        }
        var port = LoopbackPorts.Free();
        await using var forward = Forward(null, "-n", ns, "svc/web", $"{port}:80");
        await forward.WaitForStdoutAsync(s => s.Contains("Forwarding from 127.0.0.1", StringComparison.Ordinal), "port-forward to listen", ForwardReady);

        var first = await GetAsync(port);
        Assert.True(first is not null, $"{LastFailure}\n{forward.Stderr}");
        Assert.StartsWith("Hello from web-", first, StringComparison.Ordinal);
        var chosen = first!["Hello from ".Length..];
        await fx.Kubectl.OkAsync("delete", "pod", chosen, "-n", ns, "--wait=false");
        var moved = await Eventually.UntilAsync(() => GetAsync(port), a => a is not null && a != first, "a connection to another pod", TimeSpan.FromSeconds(60));

        Assert.StartsWith("Hello from web-", moved, StringComparison.Ordinal);
        Assert.False(forward.HasExited, forward.Stderr);
    }
}
