using System.Text.Json;
using Axolotl.E2E.Tests.Harness;
using Axolotl.Testing.Etcd;

namespace Axolotl.E2E.Tests.HighAvailability;

/// <summary>
/// Two API servers on a 3-member etcd under a steady stream of creates from a client that retries on the other
/// server: an etcd follower SIGKILLed, then the etcd leader SIGKILLed. Every acknowledged create is there at the
/// end, the controller manager stays on one server throughout (its Lease never changes hands, no server starts
/// or stops leading), and a Deployment scaled while etcd elects its new leader converges.
/// </summary>
public sealed class EtcdFaultTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Killing_an_etcd_follower_and_then_the_etcd_leader_loses_no_acknowledged_write_and_keeps_one_controller_manager()
    {
        var etcd = await EtcdMember.StartClusterAsync(3, CancellationToken.None);
        AxolotlServer? first = null;
        AxolotlServer? second = null;
        try
        {
            var endpoints = string.Join(",", etcd.Select(m => m.ClientUrl.ToString().TrimEnd('/')));
            var port = HighAvailabilityTests.FreePortOnBoth("127.0.0.6", "127.0.0.7");
            string[] shared = ["--datastore-endpoint", endpoints, "--local-agent", "false", "--service-cidr", "10.99.0.0/16"];
            first = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.6", extraArgs: [.. shared, "--advertise-address", "192.0.2.6"]);
            second = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.7", extraArgs: [.. shared, "--advertise-address", "192.0.2.7", "--secrets-from", first.DataDir]);
            Kubectl[] servers = [new Kubectl(first), new Kubectl(second)];
            var holder = await HighAvailabilityTests.HolderAsync(servers[1], "kube-controller-manager", h => h.Length > 0);
            await servers[0].OkAsync("create", "deployment", "web", "--image=busybox", "--replicas=2");
            await Eventually.UntilAsync(() => HighAvailabilityTests.PodCountAsync(servers[0]), n => n == 2, "the deployment's two pods", Settle);

            var acknowledged = new List<string>();
            await WriteAsync(servers, "steady", 3, acknowledged);

            var leader = await LeaderAsync(etcd);
            var follower = etcd.First(m => m != leader);
            await follower.KillAsync();
            await WriteAsync(servers, "follower-down", 4, acknowledged);

            await follower.RestartAsync(CancellationToken.None);
            leader = await LeaderAsync(etcd);
            await leader.KillAsync();
            // While the two remaining members elect a leader, writes get 503 (or time out) and the client retries.
            var scaled = Task.Run(() => RetryAsync(servers, ["scale", "deployment", "web", "--replicas=4"]));
            await WriteAsync(servers, "leader-down", 6, acknowledged);
            await scaled;

            await Eventually.UntilAsync(() => HighAvailabilityTests.PodCountAsync(servers[1]), n => n == 4, "the deployment scaled during the election to converge", Settle);
            var names = (await servers[1].OkAsync("get", "configmaps", "-o", "jsonpath={.items[*].metadata.name}")).Split(' ');
            Assert.All(acknowledged, name => Assert.Contains(name, names));
            Assert.Equal(holder, await HighAvailabilityTests.HolderAsync(servers[0], "kube-controller-manager", h => h.Length > 0));
            var leading = new[] { first, second }.Where(s => s.Log.Contains("leading kube-controller-manager as", StringComparison.Ordinal)).ToList();
            Assert.Single(leading);
            Assert.DoesNotContain(new[] { first, second }, s => s.Log.Contains("stopped leading", StringComparison.Ordinal));
        }
        finally
        {
            await HighAvailabilityTests.StopAllAsync(etcd, first, second);
        }
    }

    /// <summary>Creates <paramref name="count"/> ConfigMaps one after another, each retried on either server until acknowledged.</summary>
    internal static async Task WriteAsync(Kubectl[] servers, string prefix, int count, List<string> acknowledged)
    {
        for (var i = 0; i < count; i++)
        {
            var name = $"{prefix}-{i}";
            var result = await RetryAsync(servers, ["create", "configmap", name, "--from-literal=k=v"]);
            if (result.ExitCode == 0)
            {
                acknowledged.Add(name);
            }
        }
    }

    /// <summary>
    /// Alternates between the servers for up to a minute until one answers; an AlreadyExists after an answer that was
    /// lost (the write went through, its acknowledgement did not) ends it too, without counting as acknowledged.
    /// </summary>
    internal static async Task<ProcessResult> RetryAsync(Kubectl[] servers, string[] args)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        for (var attempt = 0; ; attempt++)
        {
            var result = await servers[attempt % servers.Length].RunAsync([.. args, "--request-timeout=10s"], stdin: null);
            if (result.ExitCode == 0 || result.Stderr.Contains("AlreadyExists", StringComparison.Ordinal) || result.Stderr.Contains("already exists", StringComparison.Ordinal))
            {
                return result;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no server acknowledged `kubectl {string.Join(' ', args)}` within a minute: {result.Stderr}");
            await Task.Delay(200);
        }
    }

    /// <summary>The member that reports itself leader (etcd's maintenance status through its JSON gateway).</summary>
    private static async Task<EtcdMember> LeaderAsync(IReadOnlyList<EtcdMember> members)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await Eventually.UntilAsync(async () =>
        {
            foreach (var member in members.Where(m => m.Pid is not null))
            {
                try
                {
                    using var response = await http.PostAsync(new Uri(member.ClientUrl, "/v3/maintenance/status"), new StringContent("{}"));
                    using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    var id = status.RootElement.GetProperty("header").GetProperty("member_id").GetString();
                    if (id is not null && id == status.RootElement.GetProperty("leader").GetString())
                    {
                        return member;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
                {
                    // Not answering (yet): ask the next.
                }
            }
            return null;
        }, m => m is not null, "an etcd leader", Settle) ?? throw new InvalidOperationException("no etcd leader");
    }
}
