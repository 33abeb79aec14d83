using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// An `axolotl server` whose node agent runs real containers, on a node of its own: its own node
/// name (so its cgroup root is axolotl-NODE), bridge, pod CIDR and kubelet port, and the short restart
/// back-off the e2e tests use. <see cref="ServerProcess"/> takes no extra arguments, so the flags are
/// added by a two-line wrapper script that execs the real binary (same PID, so /proc figures are the
/// server's). Containers outlive their agent by design, so dispose deletes every pod and waits for the
/// agent to stop them before the server stops, then removes the node's cgroups and bridge.
/// </summary>
internal sealed class NodeServer : IAsyncDisposable
{
    private static readonly string[] Hierarchies = ["unified", "memory", "cpu", "cpuacct", "pids", "devices"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    private readonly string _wrapperDir;
    private readonly BenchContext _context;

    private NodeServer(BenchContext context, ServerProcess server, string nodeName, string bridge, string wrapperDir)
    {
        _context = context;
        Server = server;
        NodeName = nodeName;
        Bridge = bridge;
        _wrapperDir = wrapperDir;
    }

    public ServerProcess Server { get; }
    public string NodeName { get; }
    public string Bridge { get; }
    public int Pid => Server.Pid;
    public string RuntimePodsDirectory => Path.Combine(Server.DataDir, "runtime", "pods");

    /// <summary>The node's cgroup directory in one v1 hierarchy (e.g. "pids").</summary>
    public string CgroupRoot(string hierarchy) => Path.Combine("/sys/fs/cgroup", hierarchy, "axolotl-" + NodeName);

    /// <param name="airgap">
    /// Whether the node runs with --airgap (no registry is ever contacted; benchmarks never leave the
    /// machine). The images scenario passes false: its node pulls from a loopback registry only.
    /// </param>
    /// <param name="kubeletBackoff">Whether crash loops back off as the kubelet's defaults say (10 s doubling to 300 s) instead of the short 1 s / 4 s.</param>
    /// <param name="ingressHttpPort">The node's Ingress controller's HTTP port; 0 (the default) turns the controller off.</param>
    /// <param name="proxyMode">The service proxy's `--proxy-mode`: relay (the default) or nftables.</param>
    public static async Task<NodeServer> StartAsync(BenchContext context, CancellationToken ct, bool airgap = true, bool kubeletBackoff = false, int ingressHttpPort = 0,
        string proxyMode = "relay")
    {
        // 220–254: the e2e harness uses 20–219, so a benchmark beside a test run picks other names and CIDRs.
        var slot = Enumerable.Range(220, 35).OrderBy(_ => Random.Shared.Next())
            .First(s => !Directory.Exists($"/sys/class/net/axlb{s}") && !Directory.Exists($"/sys/fs/cgroup/pids/axolotl-bench-{s}"));
        var nodeName = $"bench-{slot}";
        var bridge = $"axlb{slot}";
        var wrapperDir = Directory.CreateTempSubdirectory("axolotl-bench-node-").FullName;
        var wrapper = Path.Combine(wrapperDir, "axolotl");
        // Appended after ServerProcess's own flags, so "--local-agent true" wins over its "false".
        var flags = string.Join(' ', "--local-agent", "true", "--node-name", nodeName, "--bridge", bridge, "--pod-cidr", $"10.244.{slot}.0/24",
            // Its own service range too, disjoint from the e2e servers' slots, so proxies never share a cluster IP.
            "--service-cidr", $"10.96.{slot}.0/24",
            "--kubelet-port", FreePort().ToString(CultureInfo.InvariantCulture), kubeletBackoff ? "--restart-backoff 10s --restart-backoff-max 300s" : "--restart-backoff 1s --restart-backoff-max 4s",
            airgap ? "--airgap" : "--airgap=false",
            // Never on 80/443: benchmarks beside each other or a test run must not fight for the ports.
            "--ingress-http-port", ingressHttpPort.ToString(CultureInfo.InvariantCulture), "--ingress-https-port", "0",
            // Only when asked: a --server-bin from before the flag must still start.
            proxyMode == "relay" ? "" : "--proxy-mode " + proxyMode)
            + string.Concat(context.Options.NodeArguments.Select(a => " '" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec '{context.Options.ServerBinary.Replace("'", "'\\''", StringComparison.Ordinal)}' \"$@\" {flags}\n", ct);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        context.Log($"node server: node {nodeName}, bridge {bridge}, pod CIDR 10.244.{slot}.0/24");
        try
        {
            var server = await ServerProcess.StartAsync(wrapper, context.Options.ServerEnvironment, StartTimeout, ct, context.Options.ServerArguments);
            return new NodeServer(context, server, nodeName, bridge, wrapperDir);
        }
        catch
        {
            await RemoveNodeLeftoversAsync(nodeName, bridge);
            Directory.Delete(wrapperDir, recursive: true);
            throw;
        }
    }

    /// <summary>SIGKILLs the server (and with it the node's agent) and starts it again on the same data dir, port and flags.</summary>
    public Task KillAndStartAgainAsync(CancellationToken ct) => Server.KillAndStartAgainAsync(StartTimeout, ct);

    /// <summary>Waits until the node's agent has registered it and reports Ready, so the first pod does not pay for that.</summary>
    public async Task WaitNodeReadyAsync(ApiClient api, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                var bytes = await api.GetAsync($"/api/v1/nodes/{NodeName}", ct);
                using var doc = JsonDocument.Parse(bytes);
                if (doc.RootElement.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions)
                    && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True"))
                {
                    return;
                }
            }
            catch (HttpRequestException e) when (e.Message.Contains("got 404", StringComparison.Ordinal))
            {
                // Not registered yet.
            }
            await Task.Delay(50, ct);
        }
    }

    /// <summary>The node's InternalIP (on this host): in nftables mode its node ports are the kernel's, 127.0.0.1's stay the relay's.</summary>
    public async Task<IPAddress> InternalAddressAsync(ApiClient api, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await api.GetAsync($"/api/v1/nodes/{NodeName}", ct));
        foreach (var address in doc.RootElement.GetProperty("status").GetProperty("addresses").EnumerateArray())
        {
            if (address.GetProperty("type").GetString() == "InternalIP" && IPAddress.TryParse(address.GetProperty("address").GetString(), out var ip))
            {
                return ip;
            }
        }
        throw new InvalidOperationException($"node {NodeName} has no InternalIP");
    }

    /// <summary>Deletes every pod (grace 1 s) and waits until the runtime holds no pod; false if some were left after the timeout.</summary>
    public async Task<bool> DeleteAllPodsAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var api = new ApiClient(Server.Kubeconfig, _context.Http2);
        try
        {
            var bytes = await api.GetAsync("/api/v1/pods", cts.Token);
            using var doc = JsonDocument.Parse(bytes);
            var pods = doc.RootElement.GetProperty("items").EnumerateArray()
                .Select(p => (Ns: p.GetProperty("metadata").GetProperty("namespace").GetString()!, Name: p.GetProperty("metadata").GetProperty("name").GetString()!))
                .ToList();
            foreach (var (ns, name) in pods)
            {
                try
                {
                    await api.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/pods/{name}?gracePeriodSeconds=1", null, null, HttpStatusCode.OK, cts.Token);
                }
                catch (HttpRequestException e) when (e.Message.Contains("got 404", StringComparison.Ordinal) || e.Message.Contains("got 202", StringComparison.Ordinal))
                {
                    // Already gone, or accepted for a later delete.
                }
            }
            while (Directory.Exists(RuntimePodsDirectory) && Directory.EnumerateDirectories(RuntimePodsDirectory).Any())
            {
                await Task.Delay(100, cts.Token);
            }
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            _context.Log($"node server: pods not all removed: {e.Message}");
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        var drained = await DeleteAllPodsAsync(DrainTimeout);
        await Server.DisposeAsync();
        await RemoveNodeLeftoversAsync(NodeName, Bridge);
        try
        {
            Directory.Delete(_wrapperDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
        if (!drained)
        {
            _context.Log($"node server: containers of {NodeName} were killed through their cgroups after the server stopped");
        }
    }

    /// <summary>What a stopped node leaves: processes still in its cgroups, the cgroup directories, its bridge.</summary>
    internal static async Task RemoveNodeLeftoversAsync(string nodeName, string bridge)
    {
        var root = "axolotl-" + nodeName;
        var unified = Path.Combine("/sys/fs/cgroup/unified", root);
        if (Directory.Exists(unified))
        {
            foreach (var kill in Directory.EnumerateFiles(unified, "cgroup.kill", SearchOption.AllDirectories))
            {
                TryWrite(kill, "1");
            }
            await Task.Delay(300);
        }
        foreach (var hierarchy in Hierarchies)
        {
            var top = Path.Combine("/sys/fs/cgroup", hierarchy, root);
            if (!Directory.Exists(top))
            {
                continue;
            }
            foreach (var dir in Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(top))
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                    // Still populated or already gone.
                }
            }
        }
        // The bridge, the service proxy's link (left behind when the server is killed) and the bridge's forwarding rules.
        string[][] commands = [["link", "del", bridge], ["link", "del", bridge + "-svc"], ["rule", "del", "pref", "32100", "iif", bridge], ["rule", "del", "pref", "32101", "iif", bridge]];
        foreach (var command in commands)
        {
            if (Directory.Exists($"/sys/class/net/{bridge}") || command[0] == "rule" || command[2].EndsWith("-svc", StringComparison.Ordinal))
            {
                using var ip = Process.Start(new ProcessStartInfo("ip", command) { UseShellExecute = false, RedirectStandardError = true });
                if (ip is not null)
                {
                    await ip.WaitForExitAsync();
                }
            }
        }
        // The node's tables (bench bridges are plain names), kept by a kill. Left behind, the service table would keep DNATing
        // the host's connections to the node's address to pods that are gone, and its postrouting masquerades every
        // connection carrying the kernel path's conntrack mark, another node's too; the egress and policy tables go with them.
        foreach (var (family, name) in new[] { ("ip", "axolotl_standby_"), ("ip", "axolotl_egress_"), ("inet", "axolotl_netpol_") })
        {
            using var nft = Process.Start(new ProcessStartInfo("nft", ["delete", "table", family, name + bridge]) { UseShellExecute = false, RedirectStandardError = true });
            if (nft is not null)
            {
                await nft.WaitForExitAsync();
            }
        }
    }

    private static void TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value, Encoding.ASCII);
        }
        catch (IOException)
        {
            // The cgroup went away meanwhile.
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
