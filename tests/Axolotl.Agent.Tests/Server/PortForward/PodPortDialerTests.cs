using Axolotl.Testing;
using System.Net;
using System.Net.Sockets;
using Axolotl.Agent.Server.PortForward;

namespace Axolotl.Agent.Tests.Server.PortForward;

public sealed class PodPortDialerTests
{
    private static readonly PortForwardOptions NoPause = new() { RetryInterval = TimeSpan.Zero, Wait = TimeSpan.FromHours(1) };

    [Fact]
    public async Task A_listening_port_is_connected_at_once()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var probes = 0;

        var result = await new PodPortDialer(NoPause, TimeProvider.System).DialAsync(new DialTarget(IPAddress.Loopback, null), port,
            _ => { probes++; return Task.FromResult<PodPortDialer.PodState?>(new(false)); }, CancellationToken.None);

        using var socket = result.Socket;
        Assert.NotNull(socket);
        Assert.True(socket.Connected);
        Assert.Null(result.Error);
        Assert.Equal(0, probes);
    }

    [Fact]
    public async Task A_refusal_while_the_container_restarts_is_retried_until_the_port_opens()
    {
        var port = LoopbackPorts.Free();
        using var listener = new TcpListener(IPAddress.Loopback, port);
        var probes = 0;

        var result = await new PodPortDialer(NoPause, TimeProvider.System).DialAsync(new DialTarget(IPAddress.Loopback, null), port, _ =>
        {
            // The "container" comes back on the third refusal.
            if (++probes == 3)
            {
                listener.Start();
            }
            return Task.FromResult<PodPortDialer.PodState?>(new(false));
        }, CancellationToken.None);

        using var socket = result.Socket;
        Assert.NotNull(socket);
        Assert.Equal(3, probes);
    }

    [Fact]
    public async Task A_refusal_from_a_settled_pod_fails_with_the_dial_error()
    {
        var port = LoopbackPorts.Free();

        var result = await new PodPortDialer(NoPause, TimeProvider.System).DialAsync(new DialTarget(IPAddress.Loopback, null), port,
            _ => Task.FromResult<PodPortDialer.PodState?>(new(true)), CancellationToken.None);

        Assert.Null(result.Socket);
        Assert.Equal($"dial tcp 127.0.0.1:{port}: connect: connection refused", result.Error);
    }

    [Fact]
    public async Task A_pod_that_is_gone_ends_the_wait()
    {
        var port = LoopbackPorts.Free();

        var result = await new PodPortDialer(NoPause, TimeProvider.System).DialAsync(new DialTarget(IPAddress.Loopback, null), port,
            _ => Task.FromResult<PodPortDialer.PodState?>(null), CancellationToken.None);

        Assert.Null(result.Socket);
        Assert.Equal($"dial tcp 127.0.0.1:{port}: connect: connection refused (the pod is gone)", result.Error);
    }

    [Fact]
    public async Task The_wait_is_bounded()
    {
        var port = LoopbackPorts.Free();
        var options = NoPause with { Wait = TimeSpan.Zero };

        var result = await new PodPortDialer(options, TimeProvider.System).DialAsync(new DialTarget(IPAddress.Loopback, null), port,
            _ => Task.FromResult<PodPortDialer.PodState?>(new(false)), CancellationToken.None);

        Assert.Null(result.Socket);
        Assert.Equal($"dial tcp 127.0.0.1:{port}: connect: connection refused (waited 0s for the container)", result.Error);
    }

    [Fact]
    public async Task Inside_a_network_namespace_localhost_is_the_pods_own_and_a_refusal_names_both_families()
    {
        var name = $"axl-dialtest-{Environment.ProcessId}";
        var path = Path.Combine("/run/netns", name);
        await RunIpAsync("netns", "add", name);
        try
        {
            await RunIpAsync("-n", name, "link", "set", "lo", "up");
            // A server bound to 127.0.0.1 inside the namespace: the host's 127.0.0.1 does not reach it.
            using var listener = await NetnsSockets.CreateAsync(path, AddressFamily.InterNetwork);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            var dialer = new PodPortDialer(NoPause, TimeProvider.System);
            var settled = new PodPortDialer.PodProbe(_ => Task.FromResult<PodPortDialer.PodState?>(new(true)));

            var inside = await dialer.DialAsync(new DialTarget(IPAddress.Loopback, path), port, settled, CancellationToken.None);
            using var accepted = await listener.AcceptAsync();
            listener.Close();
            var closed = await dialer.DialAsync(new DialTarget(IPAddress.Loopback, path), port, settled, CancellationToken.None);

            using var socket = inside.Socket;
            Assert.NotNull(socket);
            Assert.Equal(port, ((IPEndPoint)accepted.LocalEndPoint!).Port);
            Assert.Null(closed.Socket);
            Assert.StartsWith($"failed to connect to localhost:{port} inside namespace \"{name}\", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial tcp6 [::1]:{port}: ", closed.Error, StringComparison.Ordinal);
        }
        finally
        {
            await RunIpAsync("netns", "del", name);
        }
    }

    private static async Task RunIpAsync(params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ip", args) { RedirectStandardError = true })!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"ip {string.Join(' ', args)}: {stderr}");
    }
}
