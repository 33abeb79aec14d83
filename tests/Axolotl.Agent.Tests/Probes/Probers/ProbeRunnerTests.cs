using Axolotl.Agent.Probes.Probers;
using Axolotl.Api.Core;
using Axolotl.Runtime.Fake;

namespace Axolotl.Agent.Tests.Probes.Probers;

public sealed class ProbeRunnerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private readonly ProbeRunner _runner = new(new FakeRuntime(TimeProvider.System), TimeProvider.System);

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task AProbeWithoutAHandlerFailsWithAClearMessage()
    {
        var result = await _runner.RunAsync(new Probe { PeriodSeconds = 10 }, ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Failure("missing probe handler for container app"), result);
    }

    [Fact]
    public async Task AProbeWithTwoHandlersIsNotGuessedAt()
    {
        var probe = new Probe { Exec = new ExecAction { Command = ["true"] }, TcpSocket = new TCPSocketAction { Port = 80 } };

        var result = await _runner.RunAsync(probe, ProbeTestServer.Target(), Timeout, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failure, result.Outcome);
        Assert.StartsWith("may not specify more than 1 handler type", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http", 8080, true, "")]
    [InlineData("8081", 0, true, "")]
    [InlineData("admin", 0, false, "strconv.Atoi: parsing \"admin\": invalid syntax")]
    [InlineData("99999999999", 0, false, "invalid port number: 99999999999")]
    [InlineData("-1", 0, false, "invalid port number: -1")]
    public void PortNamesResolveAsUpstreamDoes(string name, int expected, bool ok, string error)
    {
        var container = new Container { Ports = [new ContainerPort { Name = "http", ContainerPortNumber = 8080 }] };

        var resolved = ContainerPortResolver.TryResolve(name, container, out var port, out var message);

        Assert.Equal(ok, resolved);
        Assert.Equal(ok ? (expected == 0 ? int.Parse(name, System.Globalization.CultureInfo.InvariantCulture) : expected) : 0, port);
        Assert.Equal(error, message);
    }

    [Fact]
    public async Task AnAlreadyCancelledTokenThrows()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _runner.RunAsync(new Probe { TcpSocket = new TCPSocketAction { Port = 80 } }, ProbeTestServer.Target(), Timeout, cts.Token));
    }

    [Fact]
    public async Task TheHostNetworkFallbackProbes127001()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var target = ProbeTestServer.Target() with { PodIp = null };

        var result = await _runner.RunAsync(new Probe { TcpSocket = new TCPSocketAction { Port = port } }, target, Timeout, CancellationToken.None);

        Assert.Equal(ProbeResult.Success(), result);
    }
}
