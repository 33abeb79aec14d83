using System.Diagnostics;
using System.Globalization;
using System.Text;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Hosts;

namespace Axolotl.E2E.Tests.NetworkPolicies.Matrix;

/// <summary>
/// Upstream's netpol e2e model on two hosts of the host lab (<see cref="HostGwNetpolLab"/>: host-gw on one LAN;
/// <see cref="VxlanNetpolLab"/>: VXLAN between hosts behind a router): namespaces x, y, z, each with pods
/// a, b, c serving TCP 80 and 81 (named serve-80-tcp and serve-81-tcp, as upstream names them), spread so every
/// namespace has pods on both hosts; ClusterIP Services for x/a (server's host) and x/b (agent's host); and a
/// "remote" machine, a network namespace on the lab's bridge (or behind its router), answering TCP 80 on two addresses
/// (for ipBlock with except). Manifests quote the namespace names: YAML 1.1 (kubectl's) reads a bare y as true.
/// Disposal kills the remote's server by PID and removes its namespace and link, then the lab.
/// </summary>
public abstract class NetpolLab(string? podNetwork, bool routed) : IAsyncLifetime
{
    public const string RemoteNamespace = "axlhremote";
    private const string RemoteLink = "axlhvr";
    public const string RemoteAllowed = "192.168.77.50";
    public const string RemoteExcepted = "192.168.77.51";
    public static readonly string[] Namespaces = ["x", "y", "z"];
    private static readonly int[] Ports = [80, 81];
    private readonly StringBuilder _remoteLog = new();
    private Process? _remote;

    public HostLab Lab { get; private set; } = null!;

    public IReadOnlyList<MatrixPod> Pods { get; private set; } = [];

    public IReadOnlyList<MatrixTarget> Targets { get; private set; } = [];

    /// <summary>Each node's pod CIDR, by host number.</summary>
    public IReadOnlyDictionary<int, string> PodCidrs { get; private set; } = new Dictionary<int, string>();

    public static int ServerHost => 2;

    public static int AgentHost => 3;

    /// <summary>Where each pod runs: every namespace spans both hosts, and each pod name is on each host somewhere.</summary>
    private static int HostOf(string ns, string pod) => (Array.IndexOf(Namespaces, ns) + pod[0] - 'a') % 2 == 0 ? ServerHost : AgentHost;

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        Lab = await HostLab.StartAsync(2, podNetwork, routed);
        await StartRemoteAsync();
        var manifest = new StringBuilder();
        foreach (var ns in Namespaces)
        {
            manifest.Append($"apiVersion: v1\nkind: Namespace\nmetadata: {{name: \"{ns}\"}}\n---\n");
            foreach (var pod in new[] { "a", "b", "c" })
            {
                manifest.Append(PodManifest(ns, pod, HostOf(ns, pod)));
            }
        }
        manifest.Append(ServiceManifest("a")).Append(ServiceManifest("b"));
        await Lab.KubectlOkWithInputAsync(manifest.ToString(), "apply", "-f", "-");
        try
        {
            await Eventually.UntilAsync(() => Lab.KubectlAsync("get", "pods", "-A", "-l", "netpol-matrix", "--no-headers"),
                r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(" Running ", StringComparison.Ordinal)) == 9,
                "the nine matrix pods Running", TimeSpan.FromSeconds(120));
        }
        catch (Xunit.Sdk.XunitException e)
        {
            var nodes = await Lab.KubectlAsync("get", "nodes", "-o", "wide");
            var events = await Lab.KubectlAsync("get", "events", "-A", "--sort-by=.lastTimestamp");
            throw new InvalidOperationException($"{e.Message}\n{nodes.Stdout}\n{events.Stdout}\n{Lab.Logs()}", e);
        }

        var pods = new List<MatrixPod>();
        var lines = await Lab.KubectlOkAsync("get", "pods", "-A", "-l", "netpol-matrix", "-o",
            "jsonpath={range .items[*]}{.metadata.namespace} {.metadata.name} {.spec.nodeName} {.status.podIP}{\"\\n\"}{end}");
        foreach (var words in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')))
        {
            pods.Add(new MatrixPod(words[0], words[1], int.Parse(words[2]["host-".Length..], CultureInfo.InvariantCulture), words[3]));
        }
        Pods = [.. pods.OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)];
        Assert.All(Pods, p => Assert.Equal(HostOf(p.Namespace, p.Name), p.Host));

        var targets = new List<MatrixTarget>();
        foreach (var port in Ports)
        {
            targets.AddRange(Pods.Select(p => new MatrixTarget($"{p}:{port}", p.Ip, port, p, ThroughService: false)));
        }
        foreach (var name in new[] { "a", "b" })
        {
            var clusterIp = (await Lab.KubectlOkAsync("get", "service", $"s-x-{name}", "-n", "x", "-o", "jsonpath={.spec.clusterIP}")).Trim();
            var pod = Pods.Single(p => p.Namespace == "x" && p.Name == name);
            targets.AddRange(Ports.Select(port => new MatrixTarget($"s:{pod}:{port}", clusterIp, port, pod, ThroughService: true)));
        }
        targets.Add(new MatrixTarget("r50:80", RemoteAllowed, 80, null, ThroughService: false));
        targets.Add(new MatrixTarget("r51:80", RemoteExcepted, 80, null, ThroughService: false));
        Targets = targets;

        var cidrs = new Dictionary<int, string>();
        foreach (var host in new[] { ServerHost, AgentHost })
        {
            cidrs[host] = (await Lab.KubectlOkAsync("get", "node", HostLab.NodeName(host), "-o", "jsonpath={.spec.podCIDR}")).Trim();
        }
        PodCidrs = cidrs;
    }

    private static string PodManifest(string ns, string pod, int host) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{pod}}
          namespace: "{{ns}}"
          labels: {pod: {{pod}}, netpol-matrix: "true"}
        spec:
          nodeName: {{HostLab.NodeName(host)}}
          terminationGracePeriodSeconds: 1
          containers:
          - name: serve
            image: busybox
            command: ["sh", "-c", "mkdir -p /srv && echo {{ns}}/{{pod}} > /srv/index.html && httpd -p 81 -h /srv && exec httpd -f -p 80 -h /srv"]
            ports:
            - {name: serve-80-tcp, containerPort: 80}
            - {name: serve-81-tcp, containerPort: 81}
        ---

        """;

    private static string ServiceManifest(string pod) => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: s-x-{{pod}}, namespace: x}
        spec:
          selector: {pod: {{pod}}}
          ports:
          - {name: serve-80-tcp, port: 80, targetPort: 80}
          - {name: serve-81-tcp, port: 81, targetPort: 81}
        ---

        """;

    /// <summary>One probe round: every client pod probes every target at once (one kubectl exec per client, all in parallel).</summary>
    public async Task<Reachability> ProbeAsync()
    {
        var observed = new Reachability(Pods, Targets);
        var rounds = Pods.Select(async client =>
        {
            var probed = Targets.Where(t => Reachability.Probed(client, t)).ToList();
            // A probe is an HTTP GET on a new connection; what the server wrote back (its own name) says who answered.
            var script = new StringBuilder("p(){ r=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 $1 $2 2>/dev/null | tail -1); echo \"$3 $r\"; }; ");
            foreach (var target in probed)
            {
                script.Append(CultureInfo.InvariantCulture, $"p {target.Address} {target.Port} {target.Label} & ");
            }
            script.Append("wait");
            var result = await Lab.KubectlAsync("exec", client.Name, "-n", client.Namespace, "--", "sh", "-c", script.ToString());
            var answers = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ', 2))
                .ToDictionary(w => w[0], w => w.Length > 1 ? w[1].Trim() : "", StringComparer.Ordinal);
            // Each client's round ends on its own thread: the table is one dictionary.
            lock (observed)
            {
                foreach (var target in probed)
                {
                    observed[client, target] = answers.TryGetValue(target.Label, out var answer) && answer == target.Answer;
                }
            }
        });
        await Task.WhenAll(rounds);
        return observed;
    }

    /// <summary>Probes until the observed matrix is the expected one; fails with upstream's three grids when it never is.</summary>
    public async Task<int> UntilMatrixAsync(string what, Reachability expected, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var rounds = 0;
        while (true)
        {
            var observed = await ProbeAsync();
            rounds++;
            var differences = expected.Differences(observed);
            if (differences.Count == 0)
            {
                return rounds;
            }
            if (deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                Assert.Fail($"{what}: {differences.Count} of {expected.Count} probes differ after {rounds} rounds " +
                    $"({string.Join("; ", differences.Take(12))})\n{expected.Report(observed)}\n{Lab.Logs()}");
            }
        }
    }

    public Reachability Expect(Func<MatrixPod, MatrixTarget, bool> allowed) => Reachability.Expect(Pods, Targets, allowed);

    public Task ApplyAsync(string manifest) => Lab.KubectlOkWithInputAsync(manifest, "apply", "-f", "-");

    public Task DeletePoliciesAsync() => Lab.KubectlOkAsync("delete", "networkpolicies", "--all", "--all-namespaces", "--wait=false");

    /// <summary>The remote machine: a namespace on the lab's bridge with two addresses, answering "remote-ADDRESS" on TCP 80.</summary>
    private async Task StartRemoteAsync()
    {
        await RemoveRemoteAsync();
        await HostLab.Ip("netns", "add", RemoteNamespace);
        await HostLab.Ip("link", "add", RemoteLink, "type", "veth", "peer", "name", "eth0", "netns", RemoteNamespace);
        await HostLab.Ip("-n", RemoteNamespace, "link", "set", "lo", "up");
        await HostLab.Ip("-n", RemoteNamespace, "link", "set", "eth0", "up");
        if (!routed)
        {
            await HostLab.Ip("link", "set", RemoteLink, "master", HostLab.Bridge, "up");
            await HostLab.Ip("-n", RemoteNamespace, "addr", "add", $"{RemoteAllowed}/24", "dev", "eth0");
            await HostLab.Ip("-n", RemoteNamespace, "addr", "add", $"{RemoteExcepted}/24", "dev", "eth0");
        }
        else
        {
            // Behind the lab's router as the hosts are: its own point-to-point link, routed to and from.
            await HostLab.Ip("link", "set", RemoteLink, "up");
            foreach (var address in new[] { RemoteAllowed, RemoteExcepted })
            {
                await HostLab.Ip("-n", RemoteNamespace, "addr", "add", $"{address}/32", "dev", "eth0");
                await HostLab.Ip("route", "add", $"{address}/32", "dev", RemoteLink);
            }
            await HostLab.Ip("-n", RemoteNamespace, "route", "add", HostLab.Address(1) + "/32", "dev", "eth0", "scope", "link");
            await HostLab.Ip("-n", RemoteNamespace, "route", "add", "default", "via", HostLab.Address(1), "dev", "eth0");
            await HostLab.Ip("addr", "add", HostLab.Address(1) + "/32", "dev", RemoteLink);
            await File.WriteAllTextAsync($"/proc/sys/net/ipv4/conf/{RemoteLink}/forwarding", "1");
        }
        const string server = """
            import socket, socketserver
            class Answer(socketserver.BaseRequestHandler):
                def handle(self):
                    self.request.sendall(("remote-%s\n" % self.request.getsockname()[0]).encode())
            class Threaded(socketserver.ThreadingMixIn, socketserver.TCPServer):
                daemon_threads = True
                allow_reuse_address = True
                request_queue_size = 256
            server = Threaded(("0.0.0.0", 80), Answer)
            print("ready", flush=True)
            server.serve_forever()
            """;
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", RemoteNamespace, "python3", "-c", server })
        {
            psi.ArgumentList.Add(arg);
        }
        _remote = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the remote's server");
        _remote.OutputDataReceived += (_, e) => Append(e.Data);
        _remote.ErrorDataReceived += (_, e) => Append(e.Data);
        _remote.BeginOutputReadLine();
        _remote.BeginErrorReadLine();
        await Eventually.UntilAsync(() => Task.FromResult(RemoteLog), log => log.Contains("ready", StringComparison.Ordinal) || _remote.HasExited,
            "the remote's server to listen", TimeSpan.FromSeconds(30));
        if (_remote.HasExited)
        {
            throw new InvalidOperationException($"the remote's server exited: {RemoteLog}");
        }
    }

    private string RemoteLog
    {
        get
        {
            lock (_remoteLog)
            {
                return _remoteLog.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_remoteLog)
            {
                _remoteLog.AppendLine(line);
            }
        }
    }

    private static async Task RemoveRemoteAsync()
    {
        // The routes go with the link.
        await ProcessRunner.RunAsync("ip", ["netns", "del", RemoteNamespace], timeout: TimeSpan.FromSeconds(10));
        await ProcessRunner.RunAsync("ip", ["link", "del", RemoteLink], timeout: TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        if (_remote is { HasExited: false })
        {
            _remote.Kill(entireProcessTree: true);
            await _remote.WaitForExitAsync();
        }
        _remote?.Dispose();
        _remote = null;
        await RemoveRemoteAsync();
        // Idempotent: a failed start disposes, and xunit may dispose again.
        if (Lab is { } lab)
        {
            Lab = null!;
            await lab.DisposeAsync();
        }
    }
}

/// <summary>The matrix lab over host-gw routes: both hosts and the remote on one LAN bridge.</summary>
public sealed class HostGwNetpolLab() : NetpolLab(podNetwork: null, routed: false);

/// <summary>The matrix lab over VXLAN: hosts and the remote each behind the lab's router, sharing no link.</summary>
public sealed class VxlanNetpolLab() : NetpolLab(podNetwork: "vxlan", routed: true);
