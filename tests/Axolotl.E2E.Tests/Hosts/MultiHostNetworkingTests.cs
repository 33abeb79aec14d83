using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Hosts;

/// <summary>
/// Three hosts (network namespaces on one LAN bridge), host-gw routing: the server gives each node
/// its pod CIDR, pods on every host reach pods on every other by IP, through a ClusterIP Service and
/// through its DNS name, with nothing shared between the hosts but the LAN.
/// </summary>
public sealed class MultiHostNetworkingTests
{
    private const int Hosts = 3;

    [Fact]
    public async Task Pods_on_three_hosts_reach_each_other_by_ip_service_and_dns_name_over_host_gw_routes()
    {
        await using var lab = await HostLab.StartAsync(Hosts);
        var hosts = Enumerable.Range(2, Hosts).ToList();

        // Node IPAM: three different CIDRs, none chosen by an agent.
        var cidrs = (await lab.KubectlOkAsync("get", "nodes", "-o", "jsonpath={range .items[*]}{.spec.podCIDR}{\"\\n\"}{end}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Hosts, cidrs.Distinct(StringComparer.Ordinal).Count());
        Assert.All(cidrs, c => Assert.Matches(@"^10\.244\.\d+\.0/24$", c));

        foreach (var host in hosts)
        {
            await lab.KubectlOkAsync("run", $"web-{host}", "--image=busybox", "--restart=Never", "--labels=app=web",
                $"--overrides={{\"spec\":{{\"nodeName\":\"{HostLab.NodeName(host)}\"}}}}", "--",
                "sh", "-c", $"mkdir -p /srv && echo hello-from-{host} > /srv/index.html && exec httpd -f -p 8080 -h /srv");
        }
        await lab.KubectlOkAsync("create", "service", "clusterip", "web", "--tcp=80:8080");
        await Eventually.UntilAsync(() => lab.KubectlAsync("get", "pods", "-l", "app=web", "--no-headers"),
            r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("Running", StringComparison.Ordinal)) == Hosts,
            "a web pod Running on every host", TimeSpan.FromSeconds(90));
        var ips = new Dictionary<int, string>();
        foreach (var host in hosts)
        {
            ips[host] = (await lab.KubectlOkAsync("get", "pod", $"web-{host}", "-o", "jsonpath={.status.podIP}")).Trim();
        }

        // Pod to pod, by IP, every pair (same host and across hosts).
        foreach (var from in hosts)
        {
            foreach (var to in hosts)
            {
                Assert.Equal($"hello-from-{to}", await GetAsync(lab, from, ips[to], 8080));
            }
        }

        // ClusterIP and DNS name, from every host: the answers come from more than the caller's own host.
        var clusterIp = (await lab.KubectlOkAsync("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}")).Trim();
        await Eventually.UntilAsync(() => lab.KubectlAsync("get", "endpoints", "web", "-o", "jsonpath={.subsets[*].addresses[*].ip}"),
            r => r.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == Hosts, "three endpoints", TimeSpan.FromSeconds(60));
        foreach (var from in hosts)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < 6; i++)
            {
                seen.Add(await GetAsync(lab, from, clusterIp, 80));
            }
            Assert.Contains(seen, s => s != $"hello-from-{from}");
            Assert.All(seen, s => Assert.StartsWith("hello-from-", s, StringComparison.Ordinal));
            Assert.StartsWith("hello-from-", await GetAsync(lab, from, "web.default.svc.cluster.local", 80), StringComparison.Ordinal);
        }
    }

    /// <summary>An HTTP GET from the pod on <paramref name="from"/> (busybox nc: its wget crashes in this image), the body's last line.</summary>
    private static async Task<string> GetAsync(HostLab lab, int from, string target, int port)
    {
        var result = await lab.KubectlAsync("exec", $"web-{from}", "--", "sh", "-c", $"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 {target} {port} | tail -1");
        Assert.True(result.ExitCode == 0, $"GET {target}:{port} from host {from}: {result}\n{lab.Logs()}");
        return result.Stdout.Trim();
    }
}
