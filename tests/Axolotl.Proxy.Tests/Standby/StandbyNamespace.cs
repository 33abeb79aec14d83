using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// A network namespace standing in for a node, joined to this test's namespace by a veth pair:
/// <see cref="HostAddress"/> here, <see cref="NodeAddress"/> there. Named and numbered after the test
/// process; removed on dispose. Needs root.
/// </summary>
internal sealed partial class StandbyNamespace : IAsyncDisposable
{
    private const int CloneNewNet = 0x40000000;

    private StandbyNamespace(int id)
    {
        Name = $"axlsb{id}";
        HostLink = $"axlsbh{id}";
        HostAddress = IPAddress.Parse($"10.253.{id % 250}.1");
        NodeAddress = IPAddress.Parse($"10.253.{id % 250}.2");
    }

    public string Name { get; }

    public string HostLink { get; }

    public IPAddress HostAddress { get; }

    public IPAddress NodeAddress { get; }

    public static async Task<StandbyNamespace> CreateAsync()
    {
        var ns = new StandbyNamespace(Environment.ProcessId % 10000);
        await ns.DisposeAsync();
        await RunAsync("ip", "netns", "add", ns.Name);
        await RunAsync("ip", "link", "add", ns.HostLink, "type", "veth", "peer", "name", "eth0", "netns", ns.Name);
        await RunAsync("ip", "addr", "add", $"{ns.HostAddress}/30", "dev", ns.HostLink);
        await RunAsync("ip", "link", "set", ns.HostLink, "up");
        await RunAsync("ip", "-n", ns.Name, "addr", "add", $"{ns.NodeAddress}/30", "dev", "eth0");
        await RunAsync("ip", "-n", ns.Name, "link", "set", "eth0", "up");
        await RunAsync("ip", "-n", ns.Name, "link", "set", "lo", "up");
        await RunAsync("ip", "netns", "exec", ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        return ns;
    }

    /// <summary>Runs `nft -f -` with <paramref name="script"/> inside the namespace; returns nft's exit code and errors.</summary>
    public async Task<(int ExitCode, string Errors)> NftAsync(string script)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", Name, "nft", "-f", "-" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, errors);
    }

    /// <summary>A TCP listener opened inside the namespace (a socket belongs to the namespace of the thread that made it).</summary>
    public Socket ListenInside(IPEndPoint endPoint)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(Path.Combine("/run/netns", Name));
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns({Name}) failed: errno {Marshal.GetLastPInvokeError()}");
                }
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(endPoint);
                socket.Listen(16);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? socket! : throw new InvalidOperationException("cannot listen inside " + Name, failure);
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("ip", "link", "del", HostLink);
        await RunAsync("ip", "netns", "del", Name);
    }

    private static async Task<int> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
