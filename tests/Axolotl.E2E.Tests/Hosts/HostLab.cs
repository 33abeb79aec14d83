using System.Diagnostics;
using System.Text;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Hosts;

/// <summary>
/// Separate "machines" on one: each host is a network namespace with one interface (eth0) on a
/// bridge the lab creates (192.168.77.0/24); the test process sits on that bridge too (192.168.77.1),
/// as an operator's workstation on the LAN. Hosts share no pod bridge and have no route but their
/// LAN's. Routed (<c>routed: true</c>), no two hosts share a link: each host's eth0 holds its address
/// alone (/32) on a point-to-point link to the test's namespace, which routes between them as a
/// router between networks would, so a node's address is never on-link for another (host-gw cannot
/// work; an overlay can). `axolotl server` runs in host 2, agents in the others, each inside its namespace with a
/// /sys of its own (so it sees its own devices) and the machine's cgroups. Disposal deletes the
/// pods through the API, kills every process by PID, removes the nodes' cgroups, the namespaces
/// and the bridge, whatever state the test left.
/// </summary>
public sealed class HostLab : IAsyncDisposable
{
    public const string Bridge = "axlhosts0";
    private const string Subnet = "192.168.77";
    private readonly List<(string Name, Process Process, StringBuilder Log)> _processes = [];
    private readonly List<int> _hosts = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-e2e-hosts-").FullName;
    private string _binary = "";

    public string Kubeconfig => Path.Combine(_dir, "kubeconfig");

    public static string Namespace(int host) => $"axlh{host}";

    public static string Address(int host) => $"{Subnet}.{host}";

    public static string NodeName(int host) => $"host-{host}";

    /// <summary>
    /// Creates the network and <paramref name="hosts"/> namespaces (2, 3, …), starts the server in the first (with
    /// <c>--pod-network <paramref name="podNetwork"/></c> when given) and an agent in each other.
    /// </summary>
    public static async Task<HostLab> StartAsync(int hosts, string? podNetwork = null, bool routed = false)
    {
        var lab = new HostLab();
        try
        {
            lab._binary = await AxolotlServer.EnsureBuiltAsync();
            await lab.CreateNetworkAsync(hosts, routed);
            await lab.StartServerAsync(podNetwork is null ? [] : ["--pod-network", podNetwork]);
            for (var i = 1; i < hosts; i++)
            {
                lab.StartAgent(lab._hosts[i]);
            }
            await Eventually.UntilAsync(
                () => lab.KubectlAsync("get", "nodes", "--no-headers"),
                r => r.ExitCode == 0 && r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(" Ready ", StringComparison.Ordinal)) == hosts,
                "every host's node Ready", TimeSpan.FromSeconds(120));
            return lab;
        }
        catch (Exception e)
        {
            var logs = lab.Logs();
            await lab.DisposeAsync();
            throw new InvalidOperationException($"the host lab did not come up: {e.Message}\n{logs}", e);
        }
    }

    public Task<ProcessResult> KubectlAsync(params string[] args) =>
        ProcessRunner.RunAsync(Kubectl.Binary, args, new Dictionary<string, string> { ["KUBECONFIG"] = Kubeconfig }, timeout: TimeSpan.FromSeconds(60));

    public async Task<string> KubectlOkAsync(params string[] args)
    {
        var result = await KubectlAsync(args);
        return result.ExitCode == 0 ? result.Stdout : throw new InvalidOperationException($"kubectl {string.Join(' ', args)}: {result}\n{Logs()}");
    }

    public async Task<string> KubectlOkWithInputAsync(string stdin, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(Kubectl.Binary, args, new Dictionary<string, string> { ["KUBECONFIG"] = Kubeconfig }, stdin, TimeSpan.FromSeconds(60));
        return result.ExitCode == 0 ? result.Stdout : throw new InvalidOperationException($"kubectl {string.Join(' ', args)}: {result}\n{Logs()}");
    }

    /// <summary>What a failed wait needs to be understood: every pod with its node, the events, and each process's log tail.</summary>
    public async Task<string> DiagnosticsAsync()
    {
        var pods = await KubectlAsync("get", "pods", "-A", "-o", "wide");
        var nodes = await KubectlAsync("get", "nodes", "-o", "wide");
        var events = await KubectlAsync("get", "events", "-A", "--sort-by=.lastTimestamp");
        var eventLines = events.Stdout.Split('\n');
        return $"--- pods ---\n{pods.Stdout}{pods.Stderr}\n--- nodes ---\n{nodes.Stdout}{nodes.Stderr}\n--- last events ---\n"
            + string.Join('\n', eventLines.TakeLast(40)) + "\n" + Logs();
    }

    public string Logs()
    {
        var text = new StringBuilder();
        foreach (var (name, _, log) in _processes)
        {
            lock (log)
            {
                var all = log.ToString();
                text.Append("--- ").Append(name).AppendLine(" (last 4000 chars) ---").AppendLine(all.Length > 4000 ? all[^4000..] : all);
            }
        }
        return text.ToString();
    }

    private async Task CreateNetworkAsync(int hosts, bool routed)
    {
        // A previous run killed before its cleanup may have left the lab behind.
        await RemoveNetworkAsync(Enumerable.Range(2, 8));
        if (!routed)
        {
            await Ip("link", "add", Bridge, "type", "bridge");
            await Ip("addr", "add", $"{Subnet}.1/24", "dev", Bridge);
            await Ip("link", "set", Bridge, "up");
        }
        for (var host = 2; host < 2 + hosts; host++)
        {
            var ns = Namespace(host);
            var link = $"axlhv{host}";
            await Ip("netns", "add", ns);
            _hosts.Add(host);
            await Ip("link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns);
            await Ip("-n", ns, "link", "set", "eth0", "up");
            await Ip("-n", ns, "link", "set", "lo", "up");
            if (!routed)
            {
                await Ip("link", "set", link, "master", Bridge, "up");
                await Ip("-n", ns, "addr", "add", $"{Address(host)}/24", "dev", "eth0");
                continue;
            }
            // Point to point: the host reaches everything via the router (this namespace), nothing directly.
            await Ip("-n", ns, "addr", "add", $"{Address(host)}/32", "dev", "eth0");
            await Ip("-n", ns, "route", "add", $"{Subnet}.1/32", "dev", "eth0", "scope", "link");
            await Ip("-n", ns, "route", "add", "default", "via", $"{Subnet}.1", "dev", "eth0");
            await Ip("addr", "add", $"{Subnet}.1/32", "dev", link);
            await Ip("link", "set", link, "up");
            await Ip("route", "add", $"{Address(host)}/32", "dev", link);
            // Forwarding is checked on the input interface: on for the lab's links alone, not host-wide.
            await File.WriteAllTextAsync($"/proc/sys/net/ipv4/conf/{link}/forwarding", "1");
        }
    }

    private async Task StartServerAsync(IEnumerable<string> extraArgs)
    {
        var host = _hosts[0];
        var dataDir = Path.Combine(_dir, "server");
        // Its Ingress controller keeps its default ports, 80 and 443 on the host's own addresses: the host is a network
        // namespace of its own, so nothing else on this machine wants them (and a Service's port 80 must work beside it).
        // Node failure is detected in seconds, for the partition test, but not so fast that a starved machine (load 50 in
        // a CI check) takes a late lease for a dead node: at 10 s and 5 s two healthy hosts went NotReady and their pods
        // were evicted before they started.
        var (_, _, log) = Launch(host, "server", ["--data-dir", dataDir, "--node-name", NodeName(host), "--node-lease-interval", "2s",
            "--node-monitor-grace-period", "20s", "--default-toleration-seconds", "10", "--restart-backoff", "1s", "--restart-backoff-max", "4s", "--airgap", "--resolv-conf", "", .. extraArgs]);
        await Eventually.UntilAsync(() => Task.FromResult(Snapshot(log)), text => text.Contains("Axolotl is ready", StringComparison.Ordinal) && File.Exists(Path.Combine(dataDir, "kubeconfig")),
            "the server to be ready", TimeSpan.FromSeconds(120));
        // The admin kubeconfig names the server's loopback; the lab reaches it on its LAN address.
        var kubeconfig = await File.ReadAllTextAsync(Path.Combine(dataDir, "kubeconfig"));
        await File.WriteAllTextAsync(Kubeconfig, System.Text.RegularExpressions.Regex.Replace(kubeconfig, @"https://127\.0\.0\.1:6443/?", $"https://{Address(host)}:6443"));
    }

    private void StartAgent(int host) =>
        Launch(host, "agent", ["--server", $"https://{Address(_hosts[0])}:6443", "--token-file", Path.Combine(_dir, "server", "join-token"),
            "--node-name", NodeName(host), "--data-dir", Path.Combine(_dir, $"agent-{host}"), "--node-lease-interval", "2s",
            "--restart-backoff", "1s", "--restart-backoff-max", "4s", "--airgap", "--resolv-conf", ""]);

    private (string, Process, StringBuilder) Launch(int host, string command, IEnumerable<string> args)
    {
        // nsenter keeps the mounts; a private mount namespace with a fresh sysfs shows the host's own
        // devices (as on a real machine), with the machine's cgroup hierarchies moved back under it.
        var psi = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        string[] prefix =
        [
            $"--net=/run/netns/{Namespace(host)}", "unshare", "--mount", "--propagation", "slave", "sh", "-c",
            "mkdir -p /run/axlhosts-cg && mount --rbind /sys/fs/cgroup /run/axlhosts-cg && mount -t sysfs sysfs /sys && " +
            "mount --move /run/axlhosts-cg /sys/fs/cgroup && exec \"$@\"", "sh", _binary, command,
        ];
        foreach (var arg in prefix.Concat(args))
        {
            psi.ArgumentList.Add(arg);
        }
        var log = new StringBuilder();
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start nsenter");
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var entry = ($"{command} on {Namespace(host)} (pid {process.Id})", process, log);
        _processes.Add(entry);
        return entry;
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_processes.Count > 0 && File.Exists(Kubeconfig))
        {
            // Containers outlive their agent: stop them through the API while the agents still run.
            await KubectlAsync("delete", "pods", "--all", "-A", "--grace-period=1", "--timeout=40s");
        }
        foreach (var (_, process, _) in Enumerable.Reverse(_processes))
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
        foreach (var host in _hosts)
        {
            await NodeCleanup.RemoveAsync(NodeName(host), $"axl-unused-{host}", runtimeDir: Path.Combine(_dir, host == _hosts[0] ? "server" : $"agent-{host}", "runtime"));
        }
        await NodeCleanup.UnmountUnderAsync(_dir);
        await RemoveNetworkAsync(_hosts);
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it lives under /tmp.
        }
    }

    private static async Task RemoveNetworkAsync(IEnumerable<int> hosts)
    {
        foreach (var host in hosts)
        {
            // The host's bridge, veths and routes live in its namespace and go with it.
            await ProcessRunner.RunAsync("ip", ["netns", "del", Namespace(host)], timeout: TimeSpan.FromSeconds(10));
            await ProcessRunner.RunAsync("ip", ["link", "del", $"axlhv{host}"], timeout: TimeSpan.FromSeconds(10));
        }
        await ProcessRunner.RunAsync("ip", ["link", "del", Bridge], timeout: TimeSpan.FromSeconds(10));
    }

    public static async Task Ip(params string[] args)
    {
        var result = await ProcessRunner.RunAsync("ip", args, timeout: TimeSpan.FromSeconds(10));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)}: {result.Output}");
        }
    }
}
