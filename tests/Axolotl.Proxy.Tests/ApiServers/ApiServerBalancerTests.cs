using Axolotl.Testing;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Proxy.ApiServers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Proxy.Tests.ApiServers;

/// <summary>
/// The API server balancer on loopback: bytes pass both ways untouched, a server that refuses is
/// skipped and the next connection starts at the one that answered, and with none left the client is
/// reset rather than left hanging.
/// </summary>
public sealed class ApiServerBalancerTests
{
    [Fact]
    public async Task Bytes_pass_through_to_the_first_server_both_ways()
    {
        using var server = new EchoServer("one");
        using var balancer = new ApiServerBalancer([server.EndPoint], NullLogger.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var bound = balancer.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        var running = balancer.RunAsync(stop.Token);

        Assert.Equal("one:hello", await RoundTripAsync(bound, "hello"));
        Assert.Equal("one:again", await RoundTripAsync(bound, "again"));

        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_server_that_refuses_is_skipped_and_the_next_connections_start_at_the_one_that_answered()
    {
        var dead = new DnsEndPoint("127.0.0.1", LoopbackPorts.Free());
        using var live = new EchoServer("two");
        using var balancer = new ApiServerBalancer([dead, live.EndPoint], NullLogger.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var bound = balancer.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        var running = balancer.RunAsync(stop.Token);

        Assert.Equal(dead, balancer.Current);
        Assert.Equal("two:x", await RoundTripAsync(bound, "x"));
        Assert.Equal(live.EndPoint, balancer.Current);
        Assert.Equal("two:y", await RoundTripAsync(bound, "y"));

        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task With_no_server_reachable_the_client_is_reset_at_once()
    {
        using var balancer = new ApiServerBalancer([new DnsEndPoint("127.0.0.1", LoopbackPorts.Free()), new DnsEndPoint("127.0.0.1", LoopbackPorts.Free())], NullLogger.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var bound = balancer.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        var running = balancer.RunAsync(stop.Token);

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var buffer = new byte[16];
        var ended = await Record.ExceptionAsync(async () =>
        {
            // The reset may even beat the end of the connect on a busy machine.
            await client.ConnectAsync(bound, stop.Token);
            var read = await client.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
            Assert.Equal(0, read); // a close, if the reset raced the read
        });
        Assert.True(ended is null or SocketException { SocketErrorCode: SocketError.ConnectionReset }, ended?.ToString());
        Assert.False(stop.IsCancellationRequested, "the client was left hanging");

        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public void An_empty_server_list_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ApiServerBalancer([], NullLogger.Instance));
    }

    private static async Task<string> RoundTripAsync(IPEndPoint balancer, string text)
    {
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(balancer);
        await client.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);
        client.Shutdown(SocketShutdown.Send);
        var received = new List<byte>();
        var buffer = new byte[256];
        int read;
        while ((read = await client.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        return Encoding.ASCII.GetString([.. received]);
    }

    /// <summary>Answers each connection with its name, a colon and everything the client sent, then closes.</summary>
    private sealed class EchoServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public EchoServer(string name)
        {
            _listener.Start();
            EndPoint = new DnsEndPoint("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);
            _ = ServeAsync(name);
        }

        public DnsEndPoint EndPoint { get; }

        private async Task ServeAsync(string name)
        {
            while (!_stop.IsCancellationRequested)
            {
                using var connection = await _listener.AcceptSocketAsync(_stop.Token);
                var received = new List<byte>(Encoding.ASCII.GetBytes(name + ":"));
                var buffer = new byte[256];
                int read;
                while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                {
                    received.AddRange(buffer.AsSpan(0, read).ToArray());
                }
                await connection.SendAsync(received.ToArray(), SocketFlags.None);
                connection.Shutdown(SocketShutdown.Both);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
