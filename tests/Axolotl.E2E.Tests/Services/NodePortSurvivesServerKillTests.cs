using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Axolotl.E2E.Tests.Harness;
using Xunit.Abstractions;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.Services;

/// <summary>
/// The kernel standby path (ADR 0026): while the server process is SIGKILLed and started again, a client
/// outside the node (a network namespace beside it) keeps getting answers through a NodePort and a cluster IP,
/// each request on a new connection: the relay serves them while it runs, the node's standby nftables table
/// while it does not, and the relay again once the restarted process listens.
/// </summary>
public sealed partial class NodePortSurvivesServerKillTests(ServiceServerFixture fx, ITestOutputHelper output) : IClassFixture<ServiceServerFixture>
{
    [Fact]
    public async Task Requests_through_a_node_port_and_a_cluster_ip_keep_being_answered_while_the_server_is_killed_and_restarted()
    {
        var ns = await fx.NewNamespaceAsync("standby");
        await ApplyAsync(fx, HelloDeployment(ns) + SelectorService(ns, "web", "web", 80, "8080", type: "NodePort"));
        await UntilJsonPathAsync(fx, ns, "deployment/web", "{.status.readyReplicas}", s => s == "2", "2 ready replicas");
        var nodePort = int.Parse(await JsonPathAsync(fx, ns, "service/web", "{.spec.ports[0].nodePort}"), CultureInfo.InvariantCulture);
        var clusterIp = IPAddress.Parse(await JsonPathAsync(fx, ns, "service/web", "{.spec.clusterIP}"));
        var podCidr = (await fx.Kubectl.OkAsync("get", "node", fx.Server.NodeName, "-o", "jsonpath={.spec.podCIDR}")).Trim();
        // Node ports listen on the pod gateway (the .1 of the node's pod CIDR), an address of the node's own.
        var gateway = IPAddress.Parse(podCidr.Split('/')[0][..podCidr.Split('/')[0].LastIndexOf('.')] + ".1");
        var table = $"axolotl_standby_{fx.Server.Bridge}";

        await using var client = await OutsideClient.CreateAsync();
        var viaNodePort = new IPEndPoint(gateway, nodePort);
        var viaClusterIp = new IPEndPoint(clusterIp, 80);
        await Eventually.UntilAsync(() => client.GetOnceAsync(viaNodePort), r => r.Ok, "the node port answering the outside client", Slow);
        await Eventually.UntilAsync(() => client.GetOnceAsync(viaClusterIp), r => r.Ok, "the cluster IP answering the outside client", Slow);
        await Eventually.UntilAsync(() => ProcessRunner.RunAsync("nft", ["list", "table", "ip", table], timeout: TimeSpan.FromSeconds(10)),
            r => r.ExitCode == 0 && r.Stdout.Contains($" . {nodePort} : jump", StringComparison.Ordinal), "the node port in the standby table", Slow);

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var nodePortRequests = client.RequestUntilAsync(viaNodePort, clock, stop.Token);
        var clusterIpRequests = client.RequestUntilAsync(viaClusterIp, clock, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var killedAt = clock.Elapsed;
        var pid = fx.Server.Pid ?? throw new InvalidOperationException("the server is not running");
        Assert.True(Kill(pid, 9) == 0, $"kill({pid}, SIGKILL) failed: errno {Marshal.GetLastPInvokeError()}");
        await Eventually.UntilAsync(() => Task.FromResult(fx.Server.Pid), p => p is null, "the killed server gone", TimeSpan.FromSeconds(10));
        var deadAt = clock.Elapsed;
        // Down for a while, as a crashed server under a supervisor's restart delay would be; the table stays meanwhile.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var kept = await ProcessRunner.RunAsync("nft", ["list", "table", "ip", table], timeout: TimeSpan.FromSeconds(10));
        Assert.True(kept.ExitCode == 0, $"the standby table is gone with the process: {kept.Stderr}");

        var restartAt = clock.Elapsed;
        await fx.Server.RestartAsync();
        var readyAt = clock.Elapsed;
        // Back on the relay: the restarted process listens on the node port again.
        await Eventually.UntilAsync(() => ProcessRunner.RunAsync("ss", ["-Hltn", "src", $"{gateway}:{nodePort}"], timeout: TimeSpan.FromSeconds(10)),
            r => r.Stdout.Contains($"{gateway}:{nodePort}", StringComparison.Ordinal), "the restarted relay listening on the node port", Slow);
        var relayAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();

        foreach (var (what, requests) in new[] { ("node port", await nodePortRequests), ("cluster IP", await clusterIpRequests) })
        {
            // A request in flight on a relay connection when the process died dies with it (its socket is the process's).
            var inFlightAtKill = requests.Where(r => r.Started < deadAt && r.Ended > killedAt).ToList();
            var down = requests.Where(r => r.Started >= deadAt && r.Ended <= readyAt).ToList();
            var afterRestart = requests.Where(r => r.Started >= restartAt).ToList();
            var failed = requests.Where(r => !r.Ok).ToList();
            output.WriteLine(
                FormattableString.Invariant($"{what}: {requests.Count} requests, {failed.Count} failed; killed at {killedAt.TotalSeconds:F2} s, gone at {deadAt.TotalSeconds:F2} s, ") +
                FormattableString.Invariant($"restarted {restartAt.TotalSeconds:F2}–{readyAt.TotalSeconds:F2} s, relay listening at {relayAt.TotalSeconds:F2} s; ") +
                FormattableString.Invariant($"{down.Count} requests while down ({down.Count(r => !r.Ok)} failed), {afterRestart.Count} from the restart on ({afterRestart.Count(r => !r.Ok)} failed), ") +
                FormattableString.Invariant($"{inFlightAtKill.Count} in flight at the kill ({inFlightAtKill.Count(r => !r.Ok)} failed)"));
            foreach (var r in failed)
            {
                // The client's port and its earlier uses by this client, to tell a reused 4-tuple (an old conntrack entry or socket) from a fresh one.
                var earlier = requests.Where(e => e.LocalPort == r.LocalPort && e.Started < r.Started).Select(e => FormattableString.Invariant($"{e.Started.TotalSeconds:F3} s ({e.Outcome})"));
                output.WriteLine(FormattableString.Invariant($"  failed {r.Started.TotalSeconds:F3}–{r.Ended.TotalSeconds:F3} s: {r.Outcome}, client port {r.LocalPort}; earlier uses: {string.Join(", ", earlier.DefaultIfEmpty("none"))}"));
            }
            Assert.True(down.Count >= 5, $"{what}: only {down.Count} requests while the server was down");
            Assert.All(down, r => Assert.True(r.Ok, $"{what}: a request while the server was down failed: {r.Outcome}"));
            Assert.All(afterRestart, r => Assert.True(r.Ok, $"{what}: a request during or after the restart failed: {r.Outcome}"));
            Assert.All(failed, r => Assert.Contains(r, inFlightAtKill));
            Assert.All(requests.Where(r => r.Ok), r => Assert.StartsWith("Hello from web-", r.Outcome, StringComparison.Ordinal));
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
