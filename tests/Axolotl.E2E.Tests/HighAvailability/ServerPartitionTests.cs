using System.Globalization;
using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;
using Axolotl.Testing.Etcd;

namespace Axolotl.E2E.Tests.HighAvailability;

/// <summary>
/// The API server that runs the controllers is cut off from all of etcd (a partition: silence, not errors)
/// under a steady stream of creates from a client that retries on the other server. The cut-off server stops
/// its controllers before the other starts its own (never two at once), every acknowledged create survives, a
/// Deployment scaled during the partition converges, and once the partition heals the server serves the
/// cluster's current state again and is back in the kubernetes endpoints.
/// </summary>
public sealed partial class ServerPartitionTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_leading_server_cut_off_from_etcd_steps_down_before_the_other_takes_over_and_serves_again_when_healed()
    {
        var etcd = await EtcdMember.StartClusterAsync(3, CancellationToken.None);
        var links = new[] { etcd.Select(m => new PartitionableLink(m.ClientPort)).ToList(), etcd.Select(m => new PartitionableLink(m.ClientPort)).ToList() };
        AxolotlServer? first = null;
        AxolotlServer? second = null;
        try
        {
            var port = HighAvailabilityTests.FreePortOnBoth("127.0.0.8", "127.0.0.9");
            // Short leader-election timings (validated like upstream's: lease > renew deadline > retry period) keep the test short.
            string[] shared = ["--local-agent", "false", "--service-cidr", "10.98.0.0/16", "--leader-elect-lease-duration", "4s",
                "--leader-elect-renew-deadline", "3s", "--leader-elect-retry-period", "500ms"];
            first = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.8",
                extraArgs: [.. shared, "--datastore-endpoint", string.Join(",", links[0].Select(l => l.Url)), "--advertise-address", "192.0.2.8"]);
            second = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.9",
                extraArgs: [.. shared, "--datastore-endpoint", string.Join(",", links[1].Select(l => l.Url)), "--advertise-address", "192.0.2.9", "--secrets-from", first.DataDir]);
            AxolotlServer[] servers = [first, second];
            Kubectl[] clients = [new Kubectl(first), new Kubectl(second)];

            var holder = await HighAvailabilityTests.HolderAsync(clients[1], "kube-controller-manager", h => h.Length > 0);
            var cut = Array.FindIndex(servers, s => s.Log.Contains($"leading kube-controller-manager as {holder}", StringComparison.Ordinal));
            Assert.True(cut >= 0, "no server says it leads");
            var other = 1 - cut;
            await Eventually.UntilAsync(() => HighAvailabilityTests.EndpointsAsync(clients[0]), ips => ips == "192.0.2.8 192.0.2.9", "both servers in the endpoints", Settle);
            await clients[0].OkAsync("create", "deployment", "web", "--image=busybox", "--replicas=2");
            await Eventually.UntilAsync(() => HighAvailabilityTests.PodCountAsync(clients[0]), n => n == 2, "the deployment's two pods", Settle);
            var acknowledged = new List<string>();
            await EtcdFaultTests.WriteAsync(clients, "before", 3, acknowledged);

            links[cut].ForEach(l => l.Cut());
            var scaled = Task.Run(() => EtcdFaultTests.RetryAsync(clients, ["scale", "deployment", "web", "--replicas=4"]));
            await EtcdFaultTests.WriteAsync(clients, "partitioned", 5, acknowledged);
            await scaled;

            var successor = await HighAvailabilityTests.HolderAsync(clients[other], "kube-controller-manager", h => h.Length > 0 && h != holder);
            await Eventually.UntilAsync(() => HighAvailabilityTests.PodCountAsync(clients[other]), n => n == 4, "the deployment scaled during the partition to converge", Settle);
            // Never two controller managers: the cut-off server had stopped its controllers when the other started its own.
            await Eventually.UntilAsync(() => Task.FromResult(servers[cut].Log), log => log.Contains("stopped acting for kube-controller-manager", StringComparison.Ordinal),
                "the cut-off server to stop its controllers", Settle);
            Assert.Contains("failed to renew lease kube-system/kube-controller-manager", servers[cut].Log); // it met the partition, not a shutdown
            var stopped = LogTime(servers[cut].Log, "stopped acting for kube-controller-manager");
            var started = LogTime(servers[other].Log, $"leading kube-controller-manager as {successor}");
            Assert.True(stopped <= started, $"the cut-off server stopped its controllers at {stopped:c}, after the other started its own at {started:c}");

            links[cut].ForEach(l => l.Restore());
            // Healed: it serves the cluster's current state (everything acknowledged, on either side) and is listed again.
            var names = await Eventually.UntilAsync(() => clients[cut].RunAsync("get", "configmaps", "-o", "jsonpath={.items[*].metadata.name}"),
                r => r.ExitCode == 0 && acknowledged.All(a => r.Stdout.Split(' ').Contains(a)), "the healed server to serve every acknowledged write", Settle);
            Assert.Equal(8, acknowledged.Count);
            await Eventually.UntilAsync(() => HighAvailabilityTests.EndpointsAsync(clients[cut]), ips => ips == "192.0.2.8 192.0.2.9", "the healed server back in the endpoints", Settle);
            Assert.Equal(successor, await HighAvailabilityTests.HolderAsync(clients[cut], "kube-controller-manager", h => h.Length > 0));
        }
        finally
        {
            await HighAvailabilityTests.StopAllAsync(etcd, first, second);
            foreach (var link in links.SelectMany(l => l))
            {
                await link.DisposeAsync();
            }
        }
    }

    /// <summary>The time of day of the first log line containing <paramref name="text"/> ("HH:mm:ss.fff level: …").</summary>
    private static TimeSpan LogTime(string log, string text)
    {
        var line = log.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) ?? throw new InvalidOperationException($"no log line with \"{text}\"");
        var match = Stamp().Match(line);
        Assert.True(match.Success, $"no time stamp on: {line}");
        return TimeSpan.ParseExact(match.Value, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"\b\d\d:\d\d:\d\d\.\d{3}\b")]
    private static partial Regex Stamp();
}
