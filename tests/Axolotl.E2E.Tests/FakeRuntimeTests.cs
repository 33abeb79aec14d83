using System.Net;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>
/// `--runtime fake`: a server whose own node is fake and an agent process running three fake nodes
/// (`--fake-nodes 3`), as kwok does for scale tests. Pods go Running with addresses from their node's
/// pod CIDR and no processes; the controllers heal them as on real nodes.
/// </summary>
public sealed class FakeRuntimeTests(FourFakeNodes cluster) : IClassFixture<FourFakeNodes>
{
    private Kubectl Kubectl => cluster.Kubectl;

    [Fact]
    public async Task Four_fake_nodes_are_Ready_and_a_deployment_runs_on_them_with_IPs_and_heals_a_deleted_pod()
    {
        var fakeNodes = Enumerable.Range(0, 3).Select(i => cluster.Prefix + i).ToList();
        var nodes = await Eventually.UntilAsync(() => Kubectl.RunAsync("get", "nodes", "--no-headers"),
            r => TableText.Lines(r.Stdout).Select(TableText.Cells).Count(row => row.Length > 1 && row[1] == "Ready") == 4, "four Ready nodes", TimeSpan.FromSeconds(60));
        Assert.Equal(fakeNodes.Append(cluster.Server.NodeName).Order(StringComparer.Ordinal), TableText.Lines(nodes.Stdout).Select(l => TableText.Cells(l)[0]).Order(StringComparer.Ordinal));
        var cidrs = (await Kubectl.OkAsync("get", "nodes", "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.podCIDR}{\"\\n\"}{end}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(4, cidrs.Values.Distinct().Count());

        await Kubectl.OkAsync("create", "namespace", "fake-web");
        // An image no real node here could start without its sample apps, and a probe nothing answers: both fine on fake nodes.
        await Kubectl.OkAsync("create", "deployment", "web", "-n", "fake-web", "--image=nginx:1.25", "--replicas=8", "--port=80");
        var pods = await RunningPodsAsync(8);

        Assert.All(pods, p => Assert.True(InCidr(p.Ip, cidrs[p.Node]), $"{p.Name} on {p.Node} has {p.Ip}, outside {cidrs[p.Node]}"));
        Assert.Equal(8, pods.Select(p => p.Ip).Distinct().Count());
        Assert.True(pods.Select(p => p.Node).Distinct().Count() >= 3, $"pods spread over {string.Join(", ", pods.Select(p => p.Node).Distinct())}");
        Assert.Contains(pods, p => fakeNodes.Contains(p.Node));

        var victim = pods.First(p => fakeNodes.Contains(p.Node));
        await Kubectl.OkAsync("delete", "pod", victim.Name, "-n", "fake-web", "--wait=false");
        var healed = await RunningPodsAsync(8, exclude: victim.Name);

        Assert.DoesNotContain(healed, p => p.Name == victim.Name);
        Assert.Single(healed, p => !pods.Any(old => old.Name == p.Name));
    }

    private sealed record PodRow(string Name, string Phase, string Node, string Ip);

    /// <summary>Waits until the deployment has exactly <paramref name="count"/> pods, all Running with an IP (none being <paramref name="exclude"/>).</summary>
    private async Task<IReadOnlyList<PodRow>> RunningPodsAsync(int count, string? exclude = null)
    {
        static IReadOnlyList<PodRow> Parse(string stdout) => TableText.Lines(stdout).Select(TableText.Cells)
            .Where(c => c.Length == 4).Select(c => new PodRow(c[0], c[1], c[2], c[3])).ToList();
        var result = await Eventually.UntilAsync(
            () => Kubectl.RunAsync("get", "pods", "-n", "fake-web", "--no-headers", "-o", "custom-columns=NAME:.metadata.name,PHASE:.status.phase,NODE:.spec.nodeName,IP:.status.podIP"),
            r =>
            {
                var rows = Parse(r.Stdout);
                return rows.Count == count && rows.All(p => p.Phase == "Running" && p.Ip != "<none>" && p.Name != exclude);
            },
            $"{count} Running pods with IPs", TimeSpan.FromSeconds(60));
        return Parse(result.Stdout);
    }

    private static bool InCidr(string ip, string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var prefix = int.Parse(cidr[(slash + 1)..]);
        var network = IPAddress.Parse(cidr[..slash]).GetAddressBytes();
        var address = IPAddress.Parse(ip).GetAddressBytes();
        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((network[bit / 8] & mask) != (address[bit / 8] & mask))
            {
                return false;
            }
        }
        return true;
    }
}
