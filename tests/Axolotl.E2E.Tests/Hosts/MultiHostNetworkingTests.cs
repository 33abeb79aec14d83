using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Ingress;

namespace Axolotl.E2E.Tests.Hosts;

/// <summary>
/// Three hosts (network namespaces on one LAN bridge), host-gw routing: the server gives each node
/// its pod CIDR, pods on every host reach pods on every other by IP, through a ClusterIP Service and
/// through its DNS name, with nothing shared between the hosts but the LAN, while the server's Ingress controller
/// listens on port 80 of the server's address, and (host-gw) every joined host's controller answers an Ingress with TLS by
/// SNI under its own identity. The same over VXLAN, with hosts that share no link at all (a router
/// between them), where host-gw could not work.
/// </summary>
[Collection(HostLabCollection.Name)]
public sealed class MultiHostNetworkingTests
{
    private const int Hosts = 3;

    [Fact]
    public async Task Pods_on_three_hosts_reach_each_other_by_ip_service_and_dns_name_over_host_gw_routes()
    {
        await using var lab = await HostLab.StartAsync(Hosts);
        await ReachEachOtherAsync(lab);
        await IngressOnEveryNodeAsync(lab);
    }

    /// <summary>
    /// Joined agents run the Ingress controller too, under their own identity (system:axolotl-ingress-controller:NODE, which
    /// may read only the TLS Secrets an Ingress names): a joined host's address answers an Ingress with TLS with the
    /// Secret's certificate by SNI, and every node writes its own address into the Ingress's status.
    /// </summary>
    private static async Task IngressOnEveryNodeAsync(HostLab lab)
    {
        using var key = ECDsa.Create();
        var request = new CertificateRequest("CN=site.example", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("site.example");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var dir = Directory.CreateTempSubdirectory("axolotl-e2e-hosts-tls-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "tls.crt"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "tls.key"), key.ExportPkcs8PrivateKeyPem());
            await lab.KubectlOkAsync("create", "secret", "tls", "site-tls", "--cert", Path.Combine(dir, "tls.crt"), "--key", Path.Combine(dir, "tls.key"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        await lab.KubectlOkWithInputAsync("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: site
            spec:
              tls:
              - hosts: [site.example]
                secretName: site-tls
              rules:
              - host: site.example
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
            """, "apply", "-f", "-");

        // A joined host (not the server's) answers by SNI with the Secret's certificate, forwarding to the web pods.
        var joined = IPAddress.Parse(HostLab.Address(3));
        IngressClient.Answer? answer;
        try
        {
            answer = await Eventually.UntilAsync(() => IngressClient.GetAsync("https", "site.example", 443, "/", address: joined),
                a => a is { Status: HttpStatusCode.OK } && a.CertificateSubject == "CN=site.example",
                "the joined host answering https://site.example/ with the Secret's certificate", TimeSpan.FromSeconds(60));
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new TimeoutException($"{e.Message}\n{lab.Logs()}", e);
        }
        Assert.StartsWith("hello-from-", answer!.Body, StringComparison.Ordinal);

        // Each node adds its own address; the agents' certificates for it were asked for by the nodes themselves.
        await Eventually.UntilAsync(() => lab.KubectlAsync("get", "ingress", "site", "-o", "jsonpath={.status.loadBalancer.ingress[*].ip}"),
            r => Enumerable.Range(2, Hosts).All(h => r.Stdout.Split(' ').Contains(HostLab.Address(h))), "every node's address in the Ingress's status",
            TimeSpan.FromSeconds(60));
        var requesters = await lab.KubectlOkAsync("get", "csr", "-o",
            "jsonpath={range .items[?(@.spec.signerName==\"axolotl.io/kube-apiserver-client-ingress-controller\")]}{.spec.username}{\"\\n\"}{end}");
        Assert.Equal(["system:node:host-3", "system:node:host-4"], requesters.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Pods_on_three_hosts_behind_a_router_reach_each_other_by_ip_service_and_dns_name_over_vxlan()
    {
        await using var lab = await HostLab.StartAsync(Hosts, podNetwork: "vxlan", routed: true);

        // No host is on-link for another: host-gw's next hop would be unreachable; the overlay is what carries pods.
        var path = await ProcessRunner.RunAsync("ip", ["-n", HostLab.Namespace(2), "route", "get", HostLab.Address(3)], timeout: TimeSpan.FromSeconds(10));
        Assert.Contains($"via {HostLab.Address(1)} ", path.Stdout, StringComparison.Ordinal);
        await ReachEachOtherAsync(lab);

        foreach (var host in Enumerable.Range(2, Hosts))
        {
            var device = await ProcessRunner.RunAsync("ip", ["-n", HostLab.Namespace(host), "-d", "link", "show", "axl.vxlan"], timeout: TimeSpan.FromSeconds(10));
            Assert.Contains($"vxlan id 1 local {HostLab.Address(host)} ", device.Stdout, StringComparison.Ordinal);
            Assert.Contains("mtu 1450 ", device.Stdout, StringComparison.Ordinal);
            var routes = await ProcessRunner.RunAsync("ip", ["-n", HostLab.Namespace(host), "-4", "route", "show", "proto", "147"], timeout: TimeSpan.FromSeconds(10));
            Assert.Equal(Hosts - 1, routes.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("dev axl.vxlan", StringComparison.Ordinal)));
            // Pods send no more than the overlay carries.
            Assert.Equal("1450", (await lab.KubectlOkAsync("exec", $"web-{host}", "--", "cat", "/sys/class/net/eth0/mtu")).Trim());
        }
        Assert.Contains("vxlan", await lab.KubectlOkAsync("get", "service", "kubernetes", "-o", "jsonpath={.metadata.annotations.axolotl\\.io/pod-network}"));

        // Only the nodes may speak VXLAN to a node: a datagram from the router (not a node) is dropped before decapsulation.
        using (var udp = new System.Net.Sockets.UdpClient())
        {
            await udp.SendAsync(new byte[64], HostLab.Address(2), 8472);
        }
        var filter = await Eventually.UntilAsync(
            () => ProcessRunner.RunAsync("ip", ["netns", "exec", HostLab.Namespace(2), "nft", "list", "table", "inet", "axolotl_vxlan"], timeout: TimeSpan.FromSeconds(10)),
            r => System.Text.RegularExpressions.Regex.IsMatch(r.Stdout, @"counter packets [1-9]"), "the router's datagram counted as dropped", TimeSpan.FromSeconds(30));
        var allowed = filter.Stdout[filter.Stdout.IndexOf("elements = {", StringComparison.Ordinal)..filter.Stdout.IndexOf('}', StringComparison.Ordinal)];
        Assert.All(Enumerable.Range(2, Hosts), host => Assert.Contains(HostLab.Address(host), allowed, StringComparison.Ordinal));
        Assert.DoesNotContain(HostLab.Address(1) + ",", allowed, StringComparison.Ordinal);
    }

    private static async Task ReachEachOtherAsync(HostLab lab)
    {
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
        try
        {
            await Eventually.UntilAsync(() => lab.KubectlAsync("get", "pods", "-l", "app=web", "--no-headers"),
                r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("Running", StringComparison.Ordinal)) == Hosts,
                "a web pod Running on every host", TimeSpan.FromSeconds(90));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // CI once saw two of the three pods gone from the list: say where they went.
            throw new InvalidOperationException($"{e.Message}\n{await lab.DiagnosticsAsync()}", e);
        }
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

        // The server's node runs the Ingress controller on port 80 of its own addresses beside that Service's cluster IP
        // on port 80 (a wildcard listener once made the relay's cluster-IP listener fail): from the LAN, no rule yet.
        using var http = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var ingress = await Eventually.UntilAsync(async () =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://{HostLab.Address(hosts[0])}/"));
                    return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return e.Message;
                }
            },
            r => r.StartsWith("404 ", StringComparison.Ordinal), "the Ingress controller answering on the server's address", TimeSpan.FromSeconds(30));
        Assert.Contains("no Ingress rule", ingress, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partitioned_host_goes_NotReady_its_pods_move_and_leave_the_service_and_it_heals_when_the_link_returns()
    {
        await using var lab = await HostLab.StartAsync(Hosts);
        const string deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: spread}
            spec:
              replicas: 3
              selector: {matchLabels: {app: spread}}
              template:
                metadata: {labels: {app: spread}}
                spec:
                  topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: spread}}}
                  containers:
                  - name: web
                    image: busybox
                    command: ["sh", "-c", "mkdir -p /srv && hostname > /srv/index.html && exec httpd -f -p 8080 -h /srv"]
            """;
        await lab.KubectlOkWithInputAsync(deployment, "apply", "-f", "-");
        await lab.KubectlOkAsync("create", "service", "clusterip", "spread", "--tcp=80:8080");
        var partitioned = HostLab.NodeName(4);
        var placed = await Eventually.UntilAsync(() => RunningAsync(lab),
            pods => pods.Count == 3 && pods.Any(p => p.Node == partitioned), "three spread pods Running, one on host 4", TimeSpan.FromSeconds(90));
        var lost = placed.Single(p => p.Node == partitioned);

        await HostLab.Ip("-n", HostLab.Namespace(4), "link", "set", "eth0", "down");

        await Eventually.UntilAsync(() => lab.KubectlAsync("get", "node", partitioned, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"),
            r => r.ExitCode == 0 && r.Stdout.Trim() is "Unknown" or "False", "host 4 NotReady", TimeSpan.FromSeconds(60));
        await Eventually.UntilAsync(() => lab.KubectlAsync("get", "endpoints", "spread", "-o", "jsonpath={.subsets[*].addresses[*].ip}"),
            r => r.ExitCode == 0 && !r.Stdout.Contains(lost.Ip, StringComparison.Ordinal), "the Service to drop host 4's pod", TimeSpan.FromSeconds(60));
        var moved = await Eventually.UntilAsync(() => RunningAsync(lab),
            pods => pods.Count(p => p.Node != partitioned) == 3, "three spread pods Running off host 4", TimeSpan.FromSeconds(90));
        Assert.DoesNotContain(moved.Where(p => p.Node != partitioned), p => p.Ip == lost.Ip);

        // The Service still answers on the other hosts, from a pod that is not on host 4.
        var caller = moved.First(p => p.Node != partitioned);
        var clusterIp = (await lab.KubectlOkAsync("get", "service", "spread", "-o", "jsonpath={.spec.clusterIP}")).Trim();
        var result = await lab.KubectlAsync("exec", caller.Name, "--", "sh", "-c", $"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 {clusterIp} 80 | tail -1");
        Assert.True(result.ExitCode == 0 && result.Stdout.Trim().StartsWith("spread-", StringComparison.Ordinal), $"service from {caller.Node}: {result}");

        await HostLab.Ip("-n", HostLab.Namespace(4), "link", "set", "eth0", "up");
        await Eventually.UntilAsync(() => lab.KubectlAsync("get", "node", partitioned, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"),
            r => r.ExitCode == 0 && r.Stdout.Trim() == "True", "host 4 Ready again", TimeSpan.FromSeconds(60));
    }

    /// <summary>A Running, not terminating, spread pod (a terminating one prints a fourth word, its deletionTimestamp).</summary>
    private sealed record Placed(string Name, string Node, string Ip);

    private static async Task<IReadOnlyList<Placed>> RunningAsync(HostLab lab)
    {
        var result = await lab.KubectlAsync("get", "pods", "-l", "app=spread", "--field-selector", "status.phase=Running", "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.podIP} {.metadata.deletionTimestamp}{\"\\n\"}{end}");
        return result.ExitCode != 0 ? [] :
        [
            .. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(w => w.Length == 3)
                .Select(w => new Placed(w[0], w[1], w[2])),
        ];
    }

    /// <summary>An HTTP GET from the pod on <paramref name="from"/> (busybox nc: its wget crashes in this image), the body's last line.</summary>
    private static async Task<string> GetAsync(HostLab lab, int from, string target, int port)
    {
        var result = await lab.KubectlAsync("exec", $"web-{from}", "--", "sh", "-c", $"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 {target} {port} | tail -1");
        Assert.True(result.ExitCode == 0, $"GET {target}:{port} from host {from}: {result}\n{lab.Logs()}");
        return result.Stdout.Trim();
    }
}
