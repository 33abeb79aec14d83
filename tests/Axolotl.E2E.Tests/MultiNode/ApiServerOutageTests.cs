using System.Diagnostics;
using System.Globalization;
using Axolotl.E2E.Tests.Harness;
using Xunit.Abstractions;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>
/// Healing goes on while the API server is gone (issue 15 item 7): a joined agent keeps restarting a
/// crashing container and acting on a failing liveness probe during a 30-second outage, and once the
/// server is back the node is Ready again within seconds (no eviction, with the fixture's 4 s grace
/// and 2 s tolerations) and the pods' restart counts include what happened meanwhile.
/// </summary>
public sealed class ApiServerOutageTests(MultiNodeFixture fx, ITestOutputHelper output) : IClassFixture<MultiNodeFixture>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    private async Task<int> RestartsAsync(string ns, string pod) =>
        int.Parse(await fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].restartCount}"), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Containers_are_restarted_during_an_outage_and_the_counts_arrive_when_the_server_returns()
    {
        var ns = await fx.NewNamespaceAsync("outage");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: crasher, namespace: {{ns}}}
            spec:
              nodeSelector: {kubernetes.io/hostname: {{fx.Agent.NodeName}}}
              containers:
              - name: main
                image: busybox
                command: [sh, -c, 'echo crashing; exit 1']
            """, "apply", "-f", "-");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: liveness, namespace: {{ns}}}
            spec:
              nodeSelector: {kubernetes.io/hostname: {{fx.Agent.NodeName}}}
              containers:
              - name: main
                image: busybox
                command: [sh, -c, 'touch /tmp/healthy; sleep 1; rm /tmp/healthy; exec sleep 3600']
                livenessProbe:
                  exec: {command: [cat, /tmp/healthy]}
                  periodSeconds: 1
                  failureThreshold: 1
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => RestartsAsync(ns, "crasher"), n => n >= 1, "the crasher's first restart", TimeSpan.FromSeconds(60));
        await Eventually.UntilAsync(() => RestartsAsync(ns, "liveness"), n => n >= 1, "the first liveness restart", TimeSpan.FromSeconds(60));
        var crasherBefore = await RestartsAsync(ns, "crasher");
        var livenessBefore = await RestartsAsync(ns, "liveness");

        Assert.Equal(0, await fx.Server.StopAsync());
        var down = Stopwatch.StartNew();
        await Task.Delay(Outage);
        // The agent is still there, and nothing it runs has been stopped.
        Assert.NotNull(fx.Agent.Pid);
        await fx.Server.RestartAsync();
        var back = Stopwatch.StartNew();

        // The agent's CrashLoopBackOff is 1 s doubling to 4 s: about 7 crasher restarts and 4 liveness restarts fit in the
        // outage, at most 2 and 1 in the 5 s allowed here, so these counts can only come from restarts during the outage.
        var crasherAfter = await Eventually.UntilAsync(() => RestartsAsync(ns, "crasher"), n => n >= crasherBefore + 4,
            $"the crasher's restarts during the outage reported (before: {crasherBefore})", TimeSpan.FromSeconds(5));
        var livenessAfter = await Eventually.UntilAsync(() => RestartsAsync(ns, "liveness"), n => n >= livenessBefore + 3,
            $"the liveness restarts during the outage reported (before: {livenessBefore})", TimeSpan.FromSeconds(5));
        var reported = back.Elapsed;
        output.WriteLine($"outage {down.Elapsed.TotalSeconds:F1} s: crasher restarts {crasherBefore} → {crasherAfter}, liveness restarts {livenessBefore} → {livenessAfter}, reported {reported.TotalSeconds:F1} s after the server was started again");
        var nodes = await fx.Kubectl.OkAsync("get", "nodes", "--no-headers");
        var podsTable = await fx.Kubectl.OkAsync("get", "pods", "-n", ns);

        Assert.Equal("Ready", TableText.Row(nodes, fx.Agent.NodeName)[1]);
        // The fixture evicts from a NotReady node after 2 s: the pods are still the same ones, on the agent's node.
        Assert.Equal(fx.Agent.NodeName, await fx.Kubectl.OkAsync("get", "pod", "crasher", "-n", ns, "-o", "jsonpath={.spec.nodeName}"));
        Assert.Contains(TableText.Row(podsTable, "crasher")[2], new[] { "CrashLoopBackOff", "Error", "Running", "Completed" });
        // kubectl's RESTARTS column says the same (it may have moved on by one or two since).
        Assert.InRange(int.Parse(TableText.Row(podsTable, "crasher")[3].Split(' ')[0], CultureInfo.InvariantCulture), crasherAfter, crasherAfter + 3);
        Assert.True(livenessAfter >= livenessBefore + 3, $"liveness restarts {livenessBefore} → {livenessAfter} over a {down.Elapsed.TotalSeconds:F0} s outage; reported {reported.TotalSeconds:F1} s after the restart");
    }
}
