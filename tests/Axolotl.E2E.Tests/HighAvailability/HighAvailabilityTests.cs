using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;
using Axolotl.Testing.Etcd;

namespace Axolotl.E2E.Tests.HighAvailability;

/// <summary>
/// Two API servers on a 3-member etcd cluster (all on loopback: the servers on 127.0.0.2 and
/// 127.0.0.3, one port, as the servers of one cluster share a port; they advertise TEST-NET
/// addresses, as endpoints may not be loopback): one serves what the other
/// writes, exactly one runs the controllers (its Lease says which), and when that one is SIGKILLed
/// the other takes over, acknowledged writes survive, and the kubernetes Service drops the dead server.
/// </summary>
public sealed partial class HighAvailabilityTests
{
    private static readonly TimeSpan Takeover = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Two_servers_on_one_etcd_share_the_api_elect_one_controller_manager_and_fail_over_when_the_leader_is_killed()
    {
        var etcd = await EtcdMember.StartClusterAsync(3, CancellationToken.None);
        AxolotlServer? first = null;
        AxolotlServer? second = null;
        try
        {
            var endpoints = string.Join(",", etcd.Select(m => m.ClientUrl.ToString().TrimEnd('/')));
            var port = FreePortOnBoth("127.0.0.2", "127.0.0.3");
            string[] shared = ["--datastore-endpoint", endpoints, "--local-agent", "false", "--service-cidr", "10.97.0.0/16"];
            first = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.2", extraArgs: [.. shared, "--advertise-address", "192.0.2.2"]);
            second = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.3",
                extraArgs: [.. shared, "--advertise-address", "192.0.2.3", "--secrets-from", first.DataDir]);
            var kubectl1 = new Kubectl(first);
            var kubectl2 = new Kubectl(second);

            // One API: written through one server, read (and watched from) the other, with the same credentials.
            await kubectl1.OkAsync("create", "configmap", "written-on-first", "--from-literal=k=v");
            Assert.Contains("written-on-first", await kubectl2.OkAsync("get", "configmap", "written-on-first", "-o", "name"));

            // Exactly one controller manager and one scheduler: the Lease names the holder, whose server alone says it leads.
            var holder = await HolderAsync(kubectl2, "kube-controller-manager", h => h.Length > 0);
            var leaders = new[] { first, second }.Where(s => s.Log.Contains($"leading kube-controller-manager as {holder}", StringComparison.Ordinal)).ToList();
            Assert.Single(leaders);
            Assert.DoesNotContain(new[] { first, second }.Where(s => s != leaders[0]), s => s.Log.Contains("leading kube-controller-manager as", StringComparison.Ordinal));
            Assert.Matches(HolderPattern(), holder);
            await HolderAsync(kubectl2, "kube-scheduler", h => h.Length > 0);
            var events = await kubectl1.OkAsync("get", "events", "-n", "kube-system", "--field-selector", "reason=LeaderElection", "-o", "jsonpath={range .items[*]}{.message}{\"\\n\"}{end}");
            Assert.Contains($"{holder} became leader", events);

            // The kubernetes Service's endpoints list both live servers.
            await Eventually.UntilAsync(() => EndpointsAsync(kubectl1), ips => ips == "192.0.2.2 192.0.2.3", "the kubernetes endpoints to list both servers", Takeover);
            var leases = await kubectl1.OkAsync("get", "leases", "-n", "kube-system", "-l", "apiserver.kubernetes.io/identity=kube-apiserver", "-o", "name");
            Assert.Equal(2, leases.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

            await kubectl1.OkAsync("create", "deployment", "web", "--image=busybox", "--replicas=2");
            await Eventually.UntilAsync(() => PodCountAsync(kubectl1), n => n == 2, "the deployment's two pods");

            var leader = leaders[0];
            var survivor = leader == first ? second : first;
            var toLeader = new Kubectl(leader);
            var toSurvivor = new Kubectl(survivor);
            var acknowledged = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                await CreateRetryingAsync([toLeader, toSurvivor], $"before-{i}", acknowledged);
            }

            var renewedBeforeKill = await LeaseTimeAsync(toSurvivor, "renewTime");
            await leader.KillAsync();

            // A client that tried the dead server first retries on the other: every create it was told succeeded is kept.
            for (var i = 0; i < 5; i++)
            {
                await CreateRetryingAsync([toLeader, toSurvivor], $"during-{i}", acknowledged);
            }
            await toSurvivor.OkAsync("scale", "deployment", "web", "--replicas=4");

            var successor = await HolderAsync(toSurvivor, "kube-controller-manager", h => h.Length > 0 && h != holder);
            Assert.Contains($"leading kube-controller-manager as {successor}", survivor.Log);
            // The survivor saw the killed server's port refuse connections and did not wait out its 15 s lease.
            Assert.Contains($"the server of lease holder {holder} refuses connections", survivor.Log);
            Assert.True(await LeaseTimeAsync(toSurvivor, "acquireTime") - renewedBeforeKill < TimeSpan.FromSeconds(15),
                "the survivor took the Lease before the killed holder's lease ran out");
            await Eventually.UntilAsync(() => PodCountAsync(toSurvivor), n => n == 4, "the deployment scaled during the failover to converge on the survivor", Takeover);
            var names = await toSurvivor.OkAsync("get", "configmaps", "-o", "jsonpath={.items[*].metadata.name}");
            Assert.All(acknowledged, name => Assert.Contains(name, names.Split(' ')));
            Assert.Equal(8, acknowledged.Count);

            await Eventually.UntilAsync(() => EndpointsAsync(toSurvivor), ips => ips == (survivor == first ? "192.0.2.2" : "192.0.2.3"),
                "the kubernetes endpoints to drop the killed server", Takeover);
        }
        finally
        {
            await HighAvailabilityTests.StopAllAsync(etcd, first, second);
        }
    }

    [Fact]
    public async Task An_agent_given_both_servers_keeps_its_node_ready_and_its_watch_going_when_the_one_it_uses_is_killed()
    {
        var etcd = await EtcdMember.StartClusterAsync(3, CancellationToken.None);
        AxolotlServer? first = null;
        AxolotlServer? second = null;
        AxolotlAgent? agent = null;
        try
        {
            var endpoints = string.Join(",", etcd.Select(m => m.ClientUrl.ToString().TrimEnd('/')));
            var port = FreePortOnBoth("127.0.0.2", "127.0.0.3");
            string[] shared = ["--datastore-endpoint", endpoints, "--local-agent", "false", "--service-cidr", "10.97.0.0/16"];
            first = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.2", extraArgs: shared);
            second = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.3", extraArgs: [.. shared, "--secrets-from", first.DataDir]);
            agent = await AxolotlAgent.StartAsync(first, ["--server", $"https://127.0.0.2:{port},https://127.0.0.3:{port}", "--runtime", "fake"]);
            var kubectl = new Kubectl(second);
            await Eventually.KubectlAsync(kubectl, r => r.Stdout.Trim() == "True", "the node to be Ready",
                "get", "node", agent.NodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");

            await first.KillAsync();

            // The agent's next requests, and its pod watch re-established from its last resourceVersion, reach the survivor:
            // its Lease keeps being renewed and a pod bound to it after the kill runs.
            var renewed = await kubectl.OkAsync("get", "lease", "-n", "kube-node-lease", agent.NodeName, "-o", "jsonpath={.spec.renewTime}");
            await Eventually.KubectlAsync(kubectl, r => r.ExitCode == 0 && r.Stdout.Trim() != renewed.Trim(), "the node Lease to be renewed through the survivor",
                "get", "lease", "-n", "kube-node-lease", agent.NodeName, "-o", "jsonpath={.spec.renewTime}");
            await kubectl.OkWithInputAsync($$$"""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"after-failover"},
                 "spec":{"nodeName":"{{{agent.NodeName}}}","containers":[{"name":"c","image":"busybox"}]}}
                """, "create", "-f", "-");
            await Eventually.UntilAsync(() => kubectl.RunAsync("get", "pod", "after-failover", "-o", "jsonpath={.status.phase}"),
                r => r.Stdout.Trim() == "Running", "the pod bound after the failover to run", Takeover);
            Assert.Contains("Ready", await kubectl.OkAsync("get", "node", agent.NodeName));
        }
        finally
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }
            if (second is not null)
            {
                await second.DisposeAsync();
            }
            if (first is not null)
            {
                await first.DisposeAsync();
            }
            foreach (var member in etcd)
            {
                await member.DisposeAsync();
            }
        }
    }

    /// <summary>Stops the servers (and their nodes' leftovers), then the etcd members, whatever the test did.</summary>
    internal static async Task StopAllAsync(IEnumerable<EtcdMember> etcd, params AxolotlServer?[] servers)
    {
        foreach (var server in Enumerable.Reverse(servers))
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
        foreach (var member in etcd)
        {
            await member.DisposeAsync();
        }
    }

    /// <summary>Tries each server in turn until one acknowledges the create; an AlreadyExists after a lost answer counts as done.</summary>
    private static async Task CreateRetryingAsync(Kubectl[] servers, string name, List<string> acknowledged)
    {
        foreach (var server in servers)
        {
            var result = await server.RunAsync(["create", "configmap", name, "--from-literal=k=v", "--request-timeout=10s"], stdin: null);
            if (result.ExitCode == 0)
            {
                acknowledged.Add(name);
                return;
            }
            if (result.Stderr.Contains("AlreadyExists", StringComparison.Ordinal))
            {
                return;
            }
        }
        Assert.Fail($"no server acknowledged the create of {name}");
    }

    internal static async Task<string> HolderAsync(Kubectl kubectl, string lease, Func<string, bool> done)
    {
        var result = await Eventually.UntilAsync(
            () => kubectl.RunAsync("get", "lease", "-n", "kube-system", lease, "-o", "jsonpath={.spec.holderIdentity}"),
            r => r.ExitCode == 0 && done(r.Stdout.Trim()), $"the {lease} Lease's holder", Takeover);
        return result.Stdout.Trim();
    }

    /// <summary>A time in the kube-controller-manager Lease's spec (renewTime, acquireTime).</summary>
    private static async Task<DateTimeOffset> LeaseTimeAsync(Kubectl kubectl, string field)
    {
        var text = await kubectl.OkAsync("get", "lease", "-n", "kube-system", "kube-controller-manager", "-o", $"jsonpath={{.spec.{field}}}");
        return DateTimeOffset.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static async Task<string> EndpointsAsync(Kubectl kubectl)
    {
        var result = await kubectl.RunAsync("get", "endpoints", "kubernetes", "-o", "jsonpath={.subsets[*].addresses[*].ip}");
        return result.ExitCode == 0 ? result.Stdout.Trim() : result.Stderr;
    }

    internal static async Task<int> PodCountAsync(Kubectl kubectl)
    {
        var result = await kubectl.RunAsync("get", "pods", "-l", "app=web", "-o", "name");
        return result.ExitCode == 0 ? result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length : -1;
    }

    internal static int FreePortOnBoth(string a, string b)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var first = new TcpListener(IPAddress.Parse(a), 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            try
            {
                using var second = new TcpListener(IPAddress.Parse(b), port);
                second.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken on the other address: another.
            }
        }
        throw new InvalidOperationException($"no port free on both {a} and {b}");
    }

    [GeneratedRegex("^[^_]+_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex HolderPattern();
}
