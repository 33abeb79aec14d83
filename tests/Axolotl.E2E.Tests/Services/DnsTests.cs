using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.Services;

/// <summary>
/// Cluster DNS from inside a pod: the resolv.conf the agent mounts, Service names in their three
/// forms resolving to the cluster IP (and a request by name reaching a pod), a headless Service
/// resolving to its pods, and unknown names failing.
/// </summary>
[Collection(SharedServerHCollection.Name)]
public sealed class DnsTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task A_pod_resolves_services_by_short_namespaced_and_full_names_and_reaches_them()
    {
        var ns = await fx.NewNamespaceAsync("dns");
        await ApplyAsync(fx, HelloPods(ns, "web", "web-a", "web-b") + $$"""
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: {{ns}}
            spec:
              selector:
                app: web
              ports:
              - name: http
                port: 8081
                targetPort: http
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: peers
              namespace: {{ns}}
            spec:
              clusterIP: None
              selector:
                app: web
              ports:
              - name: http
                port: 8080
            """);
        await fx.Kubectl.OkAsync("run", "client", "-n", ns, "--image=python:3.11-slim", "--restart=Never", "--command", "--", "sleep", "600");
        await UntilReadyAsync(fx, ns, "web-a", "web-b", "client");
        var clusterIp = await JsonPathAsync(fx, ns, "service/web", "{.spec.clusterIP}");
        var podIps = new[] { await JsonPathAsync(fx, ns, "pod/web-a", "{.status.podIP}"), await JsonPathAsync(fx, ns, "pod/web-b", "{.status.podIP}") };
        var gateway = fx.Server.ServiceCidr.Replace("10.96.", "10.244.", StringComparison.Ordinal).Replace(".0/24", ".1", StringComparison.Ordinal);

        var resolvConf = await fx.Kubectl.OkAsync("exec", "client", "-n", ns, "--", "cat", "/etc/resolv.conf");
        Assert.Contains($"nameserver {gateway}\n", resolvConf, StringComparison.Ordinal);
        Assert.Contains($"search {ns}.svc.cluster.local svc.cluster.local cluster.local\n", resolvConf, StringComparison.Ordinal);
        Assert.Contains("options ndots:5", resolvConf, StringComparison.Ordinal);

        foreach (var name in new[] { "web", $"web.{ns}", $"web.{ns}.svc.cluster.local" })
        {
            var line = await Eventually.UntilAsync(() => ExecAsync(ns, "getent", "hosts", name), o => o.Length > 0, $"{name} resolving", Slow);
            Assert.Equal(clusterIp, line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0]);
        }

        var script = "import urllib.request\nfor _ in range(4): print(urllib.request.urlopen('http://web:8081/', timeout=5).read().decode().strip())";
        var bodies = (await fx.Kubectl.OkAsync("exec", "client", "-n", ns, "--", "python3", "-c", script))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, bodies.Length);
        Assert.All(bodies, b => Assert.StartsWith("Hello from web-", b, StringComparison.Ordinal));

        var headless = await Eventually.UntilAsync(
            async () => (await ExecAsync(ns, "getent", "ahostsv4", "peers")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToHashSet(),
            ips => ips.SetEquals(podIps), "the headless Service resolving to both pod IPs", Slow);
        Assert.Equal(2, headless.Count);

        var unknown = await fx.Kubectl.RunAsync("exec", "client", "-n", ns, "--", "getent", "hosts", "nothing-here");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Equal("", unknown.Stdout.Trim());
        var outside = await fx.Kubectl.RunAsync("exec", "client", "-n", ns, "--", "getent", "hosts", $"web.{ns}.svc.example.org");
        Assert.NotEqual(0, outside.ExitCode);
    }

    /// <summary>getent's output, or "" when the name did not resolve (yet).</summary>
    private async Task<string> ExecAsync(string ns, params string[] command)
    {
        var result = await fx.Kubectl.RunAsync(["exec", "client", "-n", ns, "--", .. command], stdin: null);
        return result.ExitCode == 0 ? result.Stdout.Trim() : "";
    }
}
