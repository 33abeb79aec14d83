using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Api.Core;
using Axolotl.Runtime.Fake;

namespace Axolotl.Agent.Tests.Probes.Probers;

public sealed class TcpProberTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly ProbeRunner _runner = new(new FakeRuntime(TimeProvider.System), TimeProvider.System);

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task AnOpenPortIsHealthyEvenIfTheAppHangsUpAtOnce()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
        });

        var result = await _runner.RunAsync(TcpProbe(port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Success(), result);
        await accepted.WaitAsync(Timeout);
    }

    [Fact]
    public async Task AClosedPortFailsWithGosConnectionRefusedText()
    {
        var port = ProbeTestServer.ClosedPort();

        var result = await _runner.RunAsync(TcpProbe(port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Failure($"dial tcp 127.0.0.1:{port}: connect: connection refused"), result);
    }

    [Fact]
    public async Task ANamedPortAndAnExplicitHostAreUsed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var probe = new Probe { TcpSocket = new TCPSocketAction { Port = "db", Host = "127.0.0.1" } };
        var target = ProbeTestServer.Target(new ContainerPort { Name = "db", ContainerPortNumber = port }) with { PodIp = "192.0.2.1" };

        var result = await _runner.RunAsync(probe, target, Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Success(), result);
    }

    [Theory]
    [InlineData(0, "invalid port number: 0")]
    [InlineData(70000, "invalid port number: 70000")]
    public async Task AnOutOfRangePortFails(int port, string message)
    {
        var result = await _runner.RunAsync(TcpProbe(port), ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Failure(message), result);
    }

    [Fact]
    public async Task AConnectThatIsNeverAnsweredTimesOutInGosWords()
    {
        // A listener whose accept queue is full drops new SYNs, so a connect just waits.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                try
                {
                    await filler.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), attempt.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var watch = Stopwatch.StartNew();
            var result = await _runner.RunAsync(TcpProbe(port), ProbeTestServer.Target(), TimeSpan.FromMilliseconds(300), CancellationToken.None);

            Assert.Equal(ProbeResult.Failure($"dial tcp 127.0.0.1:{port}: i/o timeout"), result);
            Assert.True(watch.Elapsed < Timeout, $"took {watch.Elapsed}");
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    private static Probe TcpProbe(int port) => new() { TcpSocket = new TCPSocketAction { Port = port } };
}
