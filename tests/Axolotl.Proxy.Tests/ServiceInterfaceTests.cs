using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Axolotl.Api.Net;
using Axolotl.Proxy.Network;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Proxy.Tests;

/// <summary>The real link and routes (root only), in 10.96.254.0/24, which no test server uses; always removed.</summary>
public sealed class ServiceInterfaceTests
{
    private static readonly Ipv4Cidr Range = Ipv4Cidr.Parse("10.96.254.0/24");

    [RootFact]
    public async Task Cluster_ips_on_the_interface_are_local_and_an_unallocated_one_fails_at_once()
    {
        // Not "axlpt": PodAddressLink names its link that way, and both run at once in this process.
        var name = $"axlsi{Environment.ProcessId % 100000}";
        var link = new ServiceInterface(name, Range, NullLogger.Instance);
        try
        {
            await link.EnsureAsync(CancellationToken.None);
            Assert.True(Directory.Exists($"/sys/class/net/{name}"));
            var vip = IPAddress.Parse("10.96.254.7");
            await link.SyncAsync(new HashSet<IPAddress> { vip, IPAddress.Parse("10.97.0.1") }, CancellationToken.None);
            Assert.Equal([vip], link.Addresses);

            using var listener = new TcpListener(vip, 0);
            listener.Start();
            using var client = new TcpClient();
            await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);

            var clock = Stopwatch.StartNew();
            using var stray = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var error = await Assert.ThrowsAsync<SocketException>(async () => await stray.ConnectAsync(new IPEndPoint(IPAddress.Parse("10.96.254.99"), 80), deadline.Token));
            Assert.Contains(error.SocketErrorCode, new[] { SocketError.HostUnreachable, SocketError.NetworkUnreachable });
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1));

            await link.SyncAsync(new HashSet<IPAddress>(), CancellationToken.None);
            Assert.Empty(link.Addresses);
        }
        finally
        {
            await link.DisposeAsync();
        }
        Assert.False(Directory.Exists($"/sys/class/net/{name}"));
        var (_, routes) = await RunAsync("ip", "route", "show", "10.96.254.0/24");
        Assert.DoesNotContain("unreachable", routes, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task A_link_left_by_a_crashed_run_is_taken_over_and_emptied_but_a_foreign_one_is_refused()
    {
        var name = $"axlpr{Environment.ProcessId % 100000}";
        try
        {
            await RunAsync("ip", "link", "add", name, "type", "bridge");
            await RunAsync("ip", "addr", "add", "10.96.254.8/32", "dev", name);
            await using (var link = new ServiceInterface(name, Range, NullLogger.Instance))
            {
                await link.EnsureAsync(CancellationToken.None);
                Assert.Empty(link.Addresses);
            }
            Assert.False(Directory.Exists($"/sys/class/net/{name}"));

            await RunAsync("ip", "link", "add", name, "type", "bridge");
            await RunAsync("ip", "addr", "add", "10.244.254.1/24", "dev", name);
            var foreign = new ServiceInterface(name, Range, NullLogger.Instance);
            await Assert.ThrowsAsync<InvalidOperationException>(() => foreign.EnsureAsync(CancellationToken.None));
            await foreign.DisposeAsync();
            Assert.True(Directory.Exists($"/sys/class/net/{name}"));
        }
        finally
        {
            await RunAsync("ip", "link", "del", name);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
