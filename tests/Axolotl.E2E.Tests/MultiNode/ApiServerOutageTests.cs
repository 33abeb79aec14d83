using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.E2E.Tests.Harness;
using Xunit.Abstractions;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>
/// Healing goes on while the API server is gone (issue 15 item 7): a joined agent keeps restarting a
/// crashing container and acting on a failing liveness probe during a 30-second outage, and once the
/// server is back the node is Ready again (its DNS answered from its last view meanwhile) within seconds (no eviction, with the fixture's 4 s grace
/// and 2 s tolerations) and the pods' restart counts include what happened meanwhile.
/// </summary>
public sealed class ApiServerOutageTests(MultiNodeFixture fx, ITestOutputHelper output) : IClassFixture<MultiNodeFixture>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    /// <summary>The pod's restart count; -1 before its container has a status.</summary>
    private async Task<int> RestartsAsync(string ns, string pod) =>
        int.TryParse(await fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].restartCount}"), CultureInfo.InvariantCulture, out var n) ? n : -1;

    /// <summary>One A query over UDP, as a pod's resolver sends it; the first answer's address.</summary>
    private static async Task<IPAddress?> LookupAsync(IPEndPoint server, string name)
    {
        byte[] query = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
            .. name.Split('.').SelectMany(label => (byte[])[(byte)label.Length, .. Encoding.ASCII.GetBytes(label)]), 0, 0, 1, 0, 1];
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await udp.SendAsync(query, server, timeout.Token);
        var reply = (await udp.ReceiveAsync(timeout.Token)).Buffer;
        var answers = (reply[6] << 8) | reply[7];
        // The answer follows the echoed question: name pointer, type, class, TTL, length 4, then the address.
        return answers == 0 ? null : new IPAddress(reply.AsSpan(query.Length + 12, 4));
    }

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
        await fx.Kubectl.OkAsync("create", "service", "clusterip", "lookup", "-n", ns, "--tcp=80:8080");
        var clusterIp = IPAddress.Parse(await fx.Kubectl.OkAsync("get", "service", "lookup", "-n", ns, "-o", "jsonpath={.spec.clusterIP}"));
        var dns = new IPEndPoint(IPAddress.Parse(fx.Agent.PodCidr.Replace(".0/24", ".1", StringComparison.Ordinal)), 53);
        var crasherBefore = await RestartsAsync(ns, "crasher");
        var livenessBefore = await RestartsAsync(ns, "liveness");

        Assert.Equal(0, await fx.Server.StopAsync());
        var down = Stopwatch.StartNew();
        await Task.Delay(Outage / 2);
        // The node's cluster DNS answers from its last view of the Services meanwhile.
        Assert.Equal(clusterIp, await LookupAsync(dns, $"lookup.{ns}.svc.cluster.local"));
        await Task.Delay(Outage / 2);
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
