using System.Net;
using System.Net.Sockets;

namespace Axolotl.Agent.Server.PortForward;

/// <summary>
/// Connects to a pod's port, waiting (bounded) while it cannot: during a container restart the
/// port refuses connections, or the container is not running at all. Upstream's kubelet fails the
/// connection at once; here the client's connection simply takes longer, so a port-forward outlives
/// container restarts. Gives up early when the pod is gone or every container has been running
/// long enough that a refusal means nothing listens there.
/// </summary>
public sealed class PodPortDialer(PortForwardOptions options, TimeProvider time)
{
    /// <summary>What the pod looks like now: null when it is gone, else whether all its containers have run for a while.</summary>
    public delegate Task<PodState?> PodProbe(CancellationToken ct);

    public sealed record PodState(bool Settled);

    public async Task<DialResult> DialAsync(IPAddress address, int port, PodProbe probe, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var endpoint = new IPEndPoint(address, port);
        while (true)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            string failure;
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(options.ConnectTimeout);
                await socket.ConnectAsync(endpoint, attempt.Token);
                return new DialResult(socket, null);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = "i/o timeout";
                socket.Dispose();
            }
            catch (SocketException e)
            {
                failure = Describe(e.SocketErrorCode, e.Message);
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            var error = $"dial tcp {FormatEndpoint(endpoint)}: {failure}";
            var waited = time.GetElapsedTime(started);
            var state = await probe(ct);
            if (state is null)
            {
                return new DialResult(null, $"{error} (the pod is gone)");
            }
            if (state.Settled)
            {
                return new DialResult(null, error);
            }
            if (waited + options.RetryInterval >= options.Wait)
            {
                return new DialResult(null, $"{error} (waited {options.Wait.TotalSeconds:0}s for the container)");
            }
            await Task.Delay(options.RetryInterval, time, ct);
        }
    }

    private static string FormatEndpoint(IPEndPoint endpoint) =>
        endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]:{endpoint.Port}" : $"{endpoint.Address}:{endpoint.Port}";

    // Go's wording, which kubectl users know from kubelet's errors.
    private static string Describe(SocketError code, string message) => code switch
    {
        SocketError.ConnectionRefused => "connect: connection refused",
        SocketError.HostUnreachable => "connect: no route to host",
        SocketError.NetworkUnreachable => "connect: network is unreachable",
        SocketError.TimedOut => "i/o timeout",
        _ => $"connect: {message}",
    };
}

/// <summary>A connected socket, or why there is none.</summary>
public sealed record DialResult(Socket? Socket, string? Error);
