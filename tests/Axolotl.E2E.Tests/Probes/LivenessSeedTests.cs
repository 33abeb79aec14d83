using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Probes.ProbeTestKit;

namespace Axolotl.E2E.Tests.Probes;

/// <summary>
/// Seed 004 with the real kubectl: the kubia app that turns unhealthy after five requests, an HTTP
/// liveness probe with upstream defaults (sped up by Axolotl's timing annotation, which describe does
/// not show; the initial delay leaves room for the .NET stand-in's start-up, which the original Node
/// app did not need), RESTARTS growing, logs --previous and the describe output of the seed.
/// </summary>
[Collection(SharedServerCCollection.Name)]
public sealed class LivenessSeedTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task The_unhealthy_kubia_app_is_restarted_by_its_liveness_probe_as_seed_004_shows()
    {
        var ns = await fx.NewNamespaceAsync("kubia");
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: kubia-liveness
              namespace: {{ns}}
              annotations:
                probes.axolotl.io/liveness: period=1s,initialDelay=3s
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - image: luksa/kubia-unhealthy
                name: kubia
                livenessProbe:
                  httpGet:
                    path: /
                    port: 8080
            """);

        // A slow start (connection refused three times) also restarts it; wait for a kill that came from the 500s.
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("logs", "kubia-liveness", "-n", ns, "--previous"),
            r => r.ExitCode == 0 && r.Stdout.Contains("Received request from"), "a killed instance that served requests", TimeSpan.FromSeconds(90));
        await UntilFieldAsync(fx, ns, "kubia-liveness", "{.status.containerStatuses[0].restartCount}", r => r.Length > 0 && Int(r) >= 2, "two restarts",
            TimeSpan.FromSeconds(90));
        var table = await fx.Kubectl.OkAsync("get", "po", "kubia-liveness", "-n", ns);
        Assert.Matches(@"kubia-liveness\s+\d/1\s+\S+\s+[2-9]", table.Split('\n')[1]);
        Assert.Contains("Kubia server starting...", await fx.Kubectl.OkAsync("logs", "kubia-liveness", "-n", ns, "--previous"));

        var describe = await UntilDescribeAsync(fx, ns, "kubia-liveness",
            d => d.Contains("State:          Running") && d.Contains("Exit Code:    137") && d.Contains("statuscode: 500") && d.Contains("will be restarted"),
            "running again after a SIGKILL, with the probe's events");
        Assert.Contains("Liveness:       http-get http://:8080/ delay=0s timeout=1s period=10s #success=1 #failure=3", describe);
        Assert.Matches(@"Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+137", describe);
        Assert.Matches(@"Restart Count:\s+[2-9]", describe);
        Assert.Contains("Liveness probe failed: HTTP probe failed with statuscode: 500", describe);
        Assert.Contains("Container kubia failed liveness probe, will be restarted", describe);
        Assert.Matches(@"Warning\s+Unhealthy\s+.*\s+kubelet\s+Liveness probe failed", describe);
    }

    [Fact]
    public async Task InitialDelaySeconds_shows_in_describe_and_holds_the_first_probe_back()
    {
        var ns = await fx.NewNamespaceAsync("delay");
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: kubia-delay
              namespace: {{ns}}
            spec:
              containers:
              - image: luksa/kubia-unhealthy
                name: kubia
                livenessProbe:
                  httpGet:
                    path: /
                    port: 8080
                  initialDelaySeconds: 15
            """);
        await UntilFieldAsync(fx, ns, "kubia-delay", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "running");
        var describe = await fx.Kubectl.OkAsync("describe", "pod", "kubia-delay", "-n", ns);
        Assert.Contains("Liveness:       http-get http://:8080/ delay=15s timeout=1s period=10s #success=1 #failure=3", describe);

        // Every probe is a request the app logs: none may arrive in the first 15 s.
        await QuietPeriod.WaitAsync(TimeSpan.FromSeconds(5), "a liveness probe inside initialDelaySeconds");
        Assert.DoesNotContain("Received request", await fx.Kubectl.OkAsync("logs", "kubia-delay", "-n", ns));
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("logs", "kubia-delay", "-n", ns), l => l.Contains("Received request"),
            "the first probe after the delay", TimeSpan.FromSeconds(40));
        var started = DateTimeOffset.Parse(await FieldAsync(fx, ns, "kubia-delay", "{.status.containerStatuses[0].state.running.startedAt}"),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(14), "the probe came before initialDelaySeconds");
    }
}
