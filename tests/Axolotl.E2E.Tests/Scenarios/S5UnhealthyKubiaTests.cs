using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S5 (seed 004) as examples/s5-unhealthy-kubia/README.md walks it, with the example's own
/// manifest files. Probes/LivenessSeedTests.cs covers the probe mechanics in detail; this follows the
/// walk-through's steps. The restart step runs the README's "faster" variant (step 6: the same file
/// with sub-second probe timing and a 1 s grace period added by `kubectl patch --local`), so the
/// class stays well under a minute and a half.
/// </summary>
public sealed class S5UnhealthyKubiaTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_unhealthy_kubia_pod_is_restarted_and_describe_shows_the_killed_instance_and_the_probe_events()
    {
        var ns = await fx.NewNamespaceAsync("s5-kubia");
        var manifest = S5Files.Path("kubia-liveness-probe.yaml");
        var fast = await fx.Kubectl.OkAsync("patch", "--local", "-f", manifest, "--type", "merge", "-o", "yaml", "-p", S5Files.FastPatch);
        Assert.Equal("pod/kubia-liveness created\n", await fx.Kubectl.OkWithInputAsync(fast, "create", "-n", ns, "-f", "-"));

        // On a busy machine the first instance may be killed before it listens (connection refused);
        // wait for an instance that answered, then turned unhealthy and was killed.
        var previous = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("logs", "kubia-liveness", "-n", ns, "--previous"),
            r => r.ExitCode == 0 && r.Stdout.Contains("Received request from"), "a killed instance that served requests", Slow);
        var table = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "po", "kubia-liveness", "-n", ns),
            t => S5Files.Restarts(t) >= 2, "RESTARTS to grow to 2", Slow);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], TableText.Header(table));

        // The killed instance's log: it started, then answered requests until the probe stopped it.
        Assert.StartsWith("Kubia server starting...", previous.Stdout);

        var describe = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "po", "kubia-liveness", "-n", ns),
            d => d.Contains("State:          Running") && d.Contains("Exit Code:    137") && d.Contains("will be restarted"), "running again, with the probe's events", Slow);
        Assert.Matches(@"Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+137", describe);
        Assert.Matches(@"Restart Count:\s+[2-9]", describe);
        // The patch adds only a timing annotation and the grace period: the probe, and so describe, is the file's.
        Assert.Contains("Liveness:       http-get http://:8080/ delay=0s timeout=1s period=10s #success=1 #failure=3", describe);
        Assert.Matches(@"Warning\s+Unhealthy\s+.*kubelet\s+Liveness probe failed: HTTP probe failed with statuscode: 500", describe);
        Assert.Matches(@"Normal\s+Killing\s+.*kubelet\s+Container kubia failed liveness probe, will be restarted", describe);
    }

    [Fact]
    public async Task With_initialDelaySeconds_15_describe_shows_delay_15s_and_the_first_probe_waits()
    {
        var ns = await fx.NewNamespaceAsync("s5-delay");
        Assert.Equal("pod/kubia-liveness created\n",
            await fx.Kubectl.OkAsync("create", "-n", ns, "-f", S5Files.Path("kubia-liveness-probe-initial-delay.yaml")));
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("logs", "kubia-liveness", "-n", ns), l => l.Stdout.Contains("listening on"), "the app to listen", Slow);

        var describe = await fx.Kubectl.OkAsync("describe", "po", "kubia-liveness", "-n", ns);
        Assert.Contains("Liveness:       http-get http://:8080/ delay=15s timeout=1s period=10s #success=1 #failure=3", describe);

        // Every probe is a request the app logs; the first one comes only after the delay.
        var firstProbe = await Eventually.UntilAsync(async () => (await fx.Kubectl.OkAsync("logs", "kubia-liveness", "-n", ns), DateTimeOffset.UtcNow),
            r => r.Item1.Contains("Received request from"), "the first probe", TimeSpan.FromSeconds(40));
        var startedAt = DateTimeOffset.Parse(await fx.Kubectl.OkAsync("get", "po", "kubia-liveness", "-n", ns, "-o",
            "jsonpath={.status.containerStatuses[0].state.running.startedAt}"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(firstProbe.Item2 - startedAt >= TimeSpan.FromSeconds(14), $"the first probe came {firstProbe.Item2 - startedAt} after the start");
    }
}
