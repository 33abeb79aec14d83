using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.ApiServer.Aggregation;

namespace Axolotl.ApiServer.Tests.Aggregation;

public sealed class UpgradedStreamsTests
{
    /// <summary>Two connected loopback sockets as streams: what one end writes, the other reads.</summary>
    private static async Task<(NetworkStream A, NetworkStream B)> PairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var a = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptSocketAsync();
        await a.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        return (new NetworkStream(a, ownsSocket: true), new NetworkStream(await accept, ownsSocket: true));
    }

    private static async Task<string> ReadAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.ASCII.GetString(buffer);
    }

    [Fact]
    public async Task Bytes_flow_both_ways_and_the_relay_ends_cleanly_when_the_client_closes()
    {
        var (client, clientSide) = await PairAsync();
        var (backendSide, backend) = await PairAsync();
        await using (backend)
        {
            var relay = UpgradedStreams.RelayAsync(clientSide, backendSide, CancellationToken.None);

            await client.WriteAsync("ping"u8.ToArray());
            Assert.Equal("ping", await ReadAsync(backend, 4));
            await backend.WriteAsync("pong"u8.ToArray());
            Assert.Equal("pong", await ReadAsync(client, 4));

            client.Dispose();
            Assert.Null(await relay.WaitAsync(TimeSpan.FromSeconds(10)));
            await clientSide.DisposeAsync();
            await backendSide.DisposeAsync();
        }
    }

    [Fact]
    public async Task When_the_backend_closes_the_relay_ends_and_the_client_reads_the_end_of_its_stream()
    {
        var (client, clientSide) = await PairAsync();
        var (backendSide, backend) = await PairAsync();
        await using (client)
        {
            var relay = UpgradedStreams.RelayAsync(clientSide, backendSide, CancellationToken.None);
            await backend.WriteAsync("bye"u8.ToArray());
            backend.Dispose();

            Assert.Equal("bye", await ReadAsync(client, 3));
            Assert.Null(await relay.WaitAsync(TimeSpan.FromSeconds(10)));
            // The relay's owner closes both sides once it returns, as the proxy does.
            await clientSide.DisposeAsync();
            await backendSide.DisposeAsync();
            Assert.Equal(0, await client.ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }
}
