using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.Services;

/// <summary>
/// sessionAffinity ClientIP over TCP: repeated requests of one client (the host, or a pod, whose own
/// address the proxy sees) go to one of three http-hello pods, while a Service without affinity over
/// the same pods spreads them; when the chosen pod goes, the client moves to another and stays there.
/// </summary>
[Collection(SharedServerDCollection.Name)]
public sealed class SessionAffinityTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Client_ip_affinity_keeps_a_client_on_one_of_three_pods_and_moves_it_when_that_pod_goes()
    {
        var ns = await fx.NewNamespaceAsync("affinity");
        await ApplyAsync(fx, HelloPods(ns, "web", "web-a", "web-b", "web-c")
                             + SelectorService(ns, "sticky", "web", 80, "8080") + SelectorService(ns, "plain", "web", 80, "8080"));
        await fx.Kubectl.OkAsync("patch", "service", "sticky", "-n", ns, "-p", """{"spec":{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":600}}}}""");
        await UntilReadyAsync(fx, ns, "web-a", "web-b", "web-c");
        Assert.Equal("ClientIP 600", await JsonPathAsync(fx, ns, "service/sticky", "{.spec.sessionAffinity} {.spec.sessionAffinityConfig.clientIP.timeoutSeconds}"));
        var sticky = await JsonPathAsync(fx, ns, "service/sticky", "{.spec.clusterIP}");
        var plain = await JsonPathAsync(fx, ns, "service/plain", "{.spec.clusterIP}");

        // Without affinity the same pods take turns.
        await Eventually.UntilAsync(() => AnswersAsync($"http://{plain}/", 9), a => a.SetEquals(["Hello from web-a", "Hello from web-b", "Hello from web-c"]),
            "all three pods answering the Service without affinity", Slow);
        // With it, every new connection of the host goes to one pod.
        await Eventually.UntilAsync(() => GetAsync($"http://{sticky}/"), b => b is not null, "the sticky Service answering", Slow);
        var answers = await AnswersAsync($"http://{sticky}/", 12);
        var chosen = Assert.Single(answers);
        Assert.StartsWith("Hello from web-", chosen, StringComparison.Ordinal);

        // A pod client: the proxy sees its address (no NAT on the way to a cluster IP), and it sticks too.
        await fx.Kubectl.OkAsync("run", "client", "-n", ns, "--image=python:3.11-slim", "--restart=Never", "--command", "--", "sleep", "600");
        await UntilReadyAsync(fx, ns, "client");
        var script = $"import urllib.request\nfor _ in range(10): print(urllib.request.urlopen('http://{sticky}/', timeout=5).read().decode().strip())";
        var fromPod = (await fx.Kubectl.OkAsync("exec", "client", "-n", ns, "--", "python3", "-c", script)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, fromPod.Length);
        Assert.Single(fromPod.Distinct());

        // The host's pod goes: its next connections move to one other pod and stay there.
        var gone = chosen!["Hello from ".Length..];
        await fx.Kubectl.OkAsync("delete", "pod", gone, "-n", ns, "--wait=false");
        await Eventually.UntilAsync(() => GetAsync($"http://{sticky}/"), b => b is not null && b != chosen, "the host's connections leaving the deleted pod", Slow);
        var after = await AnswersAsync($"http://{sticky}/", 10);
        var moved = Assert.Single(after);
        Assert.NotEqual(chosen, moved);
    }
}
