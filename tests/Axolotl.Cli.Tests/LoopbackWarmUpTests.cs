using System.Net;
using System.Net.Sockets;
using Axolotl.Client;
using Axolotl.Commands;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Cli.Tests;

/// <summary>
/// The server's warm-up request to itself: a server that does not answer it in time (restarted under a storm of
/// reconnecting nodes) starts anyway instead of dying of the timeout.
/// </summary>
public sealed class LoopbackWarmUpTests
{
    [Fact]
    public async Task A_warm_up_that_is_not_answered_in_time_is_reported_not_thrown()
    {
        // Accepts connections and never answers: the TLS handshake and the request wait until the client's deadline.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var client = new KubeClient(new KubeClientOptions
        {
            Server = new Uri($"https://127.0.0.1:{port}"),
            RequestTimeout = TimeSpan.FromMilliseconds(300),
        });

        Assert.False(await LoopbackWarmUp.RunAsync(client, NullLogger.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task A_refused_warm_up_is_reported_not_thrown()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var client = KubeClient.Create(new Uri($"https://127.0.0.1:{port}"));

        Assert.False(await LoopbackWarmUp.RunAsync(client, NullLogger.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task Shutting_down_during_the_warm_up_still_ends_the_start()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var client = KubeClient.Create(new Uri($"https://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}"));
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LoopbackWarmUp.RunAsync(client, NullLogger.Instance, stopping.Token));
    }
}
