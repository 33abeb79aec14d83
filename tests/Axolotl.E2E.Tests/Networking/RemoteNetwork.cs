using System.Diagnostics;
using System.Text;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Networking;

/// <summary>
/// "The internet" on this machine: a network namespace reached from the host through a veth
/// (198.18.S.1 on the host, 198.18.S.2 inside; RFC 2544 benchmark space, outside every cluster
/// range), with a route on the host to 198.19.S.0/24 through it. Inside, on 198.19.S.10 a TCP server
/// that reports whom it sees and on 198.19.S.53 an upstream resolver (<see cref="RemoteNetworkServers.Internet"/>).
/// No packet leaves the machine. Disposal kills the server by PID and removes the namespace, veth
/// and route, whatever state the test left; a start first removes what a killed run may have left.
/// </summary>
public sealed class RemoteNetwork : IAsyncDisposable
{
    public const int Port = 8080;
    private readonly int _slot = 1 + (Environment.ProcessId % 250);
    private readonly StringBuilder _log = new();
    private Process? _process;

    public string Namespace => $"axlinet{_slot}";

    private string HostLink => $"axlinv{_slot}";

    /// <summary>The host's own address on the link: what a masqueraded pod is seen as.</summary>
    public string NodeAddress => $"198.18.{_slot}.1";

    public string HostAddress => $"198.19.{_slot}.10";

    public string DnsAddress => $"198.19.{_slot}.53";

    public string Log { get { lock (_log) { return _log.ToString(); } } }

    public static async Task<RemoteNetwork> StartAsync(string workDir)
    {
        var net = new RemoteNetwork();
        try
        {
            await net.RemoveAsync();
            await net.CreateAsync(workDir);
            return net;
        }
        catch
        {
            await net.DisposeAsync();
            throw;
        }
    }

    private async Task CreateAsync(string workDir)
    {
        await Ip("netns", "add", Namespace);
        await Ip("link", "add", HostLink, "type", "veth", "peer", "name", "eth0", "netns", Namespace);
        await Ip("addr", "add", $"{NodeAddress}/24", "dev", HostLink);
        await Ip("link", "set", HostLink, "up");
        await Ip("-n", Namespace, "link", "set", "lo", "up");
        await Ip("-n", Namespace, "addr", "add", $"198.18.{_slot}.2/24", "dev", "eth0");
        await Ip("-n", Namespace, "addr", "add", $"{HostAddress}/32", "dev", "lo");
        await Ip("-n", Namespace, "addr", "add", $"{DnsAddress}/32", "dev", "lo");
        await Ip("-n", Namespace, "link", "set", "eth0", "up");
        await Ip("route", "add", $"198.19.{_slot}.0/24", "via", $"198.18.{_slot}.2", "dev", HostLink);

        var script = Path.Combine(workDir, "internet.py");
        Directory.CreateDirectory(workDir);
        await File.WriteAllTextAsync(script, RemoteNetworkServers.Internet);
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", Namespace, "python3", script, HostAddress, DnsAddress, Port.ToString() })
        {
            psi.ArgumentList.Add(arg);
        }
        _process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the remote network's servers");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.UntilAsync(() => Task.FromResult(Log), log => log.Contains("ready", StringComparison.Ordinal) || _process.HasExited,
            "the remote network's servers to listen", TimeSpan.FromSeconds(30));
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"the remote network's servers exited: {Log}");
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private async Task RemoveAsync()
    {
        // The route and the host's veth end go with the namespace's peer; deleted explicitly in case the namespace is gone.
        await ProcessRunner.RunAsync("ip", ["route", "del", $"198.19.{_slot}.0/24"], timeout: TimeSpan.FromSeconds(10));
        await ProcessRunner.RunAsync("ip", ["link", "del", HostLink], timeout: TimeSpan.FromSeconds(10));
        await ProcessRunner.RunAsync("ip", ["netns", "del", Namespace], timeout: TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        await RemoveAsync();
    }

    private static async Task Ip(params string[] args)
    {
        var result = await ProcessRunner.RunAsync("ip", args, timeout: TimeSpan.FromSeconds(10));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)}: {result.Output}");
        }
    }
}
