using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.ClientPaths;

/// <summary>
/// `kubectl port-forward` reaches a server that listens on 127.0.0.1 inside the pod (the agent dials
/// localhost in the pod's network namespace, as the kubelet does), and a port nothing listens on
/// in a pod that is not restarting is refused with the kubelet's kind of message, without waiting.
/// </summary>
[Collection(ClientPathsCollection.Name)]
public sealed class PodLocalPortForwardTests(ClientPathsFixture fx)
{
    private static readonly TimeSpan ForwardReady = TimeSpan.FromSeconds(30);

    private BackgroundProcess Forward(params string[] args) =>
        BackgroundProcess.Start(Kubectl.Binary, ["--cache-dir", Path.Combine(fx.Server.DataDir, "kube-cache"), "port-forward", "-n", ClientPathsFixture.Namespace, .. args],
            new Dictionary<string, string> { ["KUBECONFIG"] = fx.Server.Kubeconfig, ["HOME"] = fx.Server.DataDir });

    [Fact]
    public async Task A_server_bound_to_the_pods_loopback_is_reached()
    {
        // busybox httpd on 127.0.0.1 only: from the node, the pod's address does not reach it.
        await fx.Kubectl.OkAsync("exec", ClientPathsFixture.Pod, "-n", ClientPathsFixture.Namespace, "--",
            "sh", "-c", "mkdir -p /www && echo local-only > /www/index.html && httpd -p 127.0.0.1:8081 -h /www");
        var port = LoopbackPorts.Free();
        await using var forward = Forward($"pod/{ClientPathsFixture.Pod}", $"{port}:8081");
        await forward.WaitForStdoutAsync(s => s.Contains("Forwarding from 127.0.0.1", StringComparison.Ordinal), "port-forward to listen", ForwardReady);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/index.html"));

        Assert.Equal("local-only\n", body);
        Assert.False(forward.HasExited, forward.Stderr);
    }

    [Fact]
    public async Task A_port_nothing_listens_on_is_refused_with_the_kubelets_message_and_no_wait()
    {
        var port = LoopbackPorts.Free();
        await using var forward = Forward($"pod/{ClientPathsFixture.Pod}", $"{port}:9999");
        await forward.WaitForStdoutAsync(s => s.Contains("Forwarding from 127.0.0.1", StringComparison.Ordinal), "port-forward to listen", ForwardReady);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{port}/")));
        var stderr = await Eventually.UntilAsync(() => Task.FromResult(forward.Stderr), s => s.Contains("9999", StringComparison.Ordinal),
            "kubectl to report the refused connection", TimeSpan.FromSeconds(60));

        Assert.Contains($"an error occurred forwarding {port} -> 9999: error forwarding port 9999 to pod {ClientPathsFixture.Pod}, uid ", stderr, StringComparison.Ordinal);
        Assert.Contains("failed to connect to localhost:9999 inside namespace ", stderr, StringComparison.Ordinal);
        Assert.Contains("dial tcp4 127.0.0.1:9999: connect: connection refused", stderr, StringComparison.Ordinal);
        // No restart is in progress, so the agent did not wait for one.
        Assert.DoesNotContain("waited", stderr, StringComparison.Ordinal);
    }
}
