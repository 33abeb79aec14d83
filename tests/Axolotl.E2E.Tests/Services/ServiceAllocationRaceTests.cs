using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Services;

/// <summary>
/// Cluster IPs and node ports under concurrent creates (each kubectl its own request): every Service gets its own,
/// and of two creates asking for one cluster IP or one node port exactly one succeeds, the other gets upstream's 422.
/// </summary>
[Collection(SharedServerGCollection.Name)]
public sealed class ServiceAllocationRaceTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Parallel_creates_get_distinct_ips_and_ports_and_one_requested_value_goes_to_exactly_one()
    {
        var ns = await fx.NewNamespaceAsync("alloc-race");
        var created = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            fx.Kubectl.RunAsync("create", "service", "nodeport", $"race-{i}", "--tcp=80:80", "-n", ns)));
        Assert.All(created, r => Assert.Equal(0, r.ExitCode));
        var rows = (await fx.Kubectl.OkAsync("get", "services", "-n", ns, "-o",
            "jsonpath={range .items[*]}{.spec.clusterIP} {.spec.ports[0].nodePort}{\"\\n\"}{end}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(16, rows.Length);
        Assert.Equal(16, rows.Select(r => r.Split(' ')[0]).Distinct().Count());
        Assert.Equal(16, rows.Select(r => r.Split(' ')[1]).Distinct().Count());

        // Values none of those Services got (else every request below would rightly be refused).
        var ip = rows[0].Split(' ')[0];
        var prefix = ip[..(ip.LastIndexOf('.') + 1)];
        var takenIps = rows.Select(r => r.Split(' ')[0]).ToHashSet();
        var takenPorts = rows.Select(r => int.Parse(r.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var wanted = Enumerable.Range(200, 50).Select(n => prefix + n).First(a => !takenIps.Contains(a));
        var wantedPorts = Enumerable.Range(30555, 200).Where(p => !takenPorts.Contains(p)).ToList();
        var onePort = wantedPorts[^1];
        var same = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => fx.Kubectl.RunAsync(["create", "-f", "-"],
            $"apiVersion: v1\nkind: Service\nmetadata:\n  name: wants-{i}\n  namespace: {ns}\nspec:\n  type: NodePort\n  clusterIP: {wanted}\n" +
            $"  ports:\n  - port: 80\n    nodePort: {wantedPorts[i]}\n")));
        Assert.Single(same, r => r.ExitCode == 0);
        Assert.All(same.Where(r => r.ExitCode != 0), r =>
            Assert.Contains($"spec.clusterIPs: Invalid value: []string{{\"{wanted}\"}}: failed to allocate IP {wanted}: provided IP is already allocated", r.Stderr));

        var port = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => fx.Kubectl.RunAsync(["create", "-f", "-"],
            $"apiVersion: v1\nkind: Service\nmetadata:\n  name: port-{i}\n  namespace: {ns}\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: {onePort}\n")));
        Assert.Single(port, r => r.ExitCode == 0);
        Assert.All(port.Where(r => r.ExitCode != 0), r => Assert.Contains($"spec.ports[0].nodePort: Invalid value: {onePort}: provided port is already allocated", r.Stderr));
    }
}
