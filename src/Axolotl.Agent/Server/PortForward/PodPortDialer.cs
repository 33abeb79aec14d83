using System.Net;
using System.Net.Sockets;
using Axolotl.Hosting;

namespace Axolotl.Agent.Server.PortForward;

/// <summary>
/// Connects to a pod's port, waiting (bounded) while a container restarts: then the port refuses
/// connections, or the container is not running at all. Upstream's kubelet fails the connection at
/// once; here the client's connection simply takes longer, so a port-forward outlives container
/// restarts. A refusal while no restart is in progress (see <see cref="PortForwardEndpoint"/>'s
/// probe) means nothing listens there and is reported at once, as the kubelet does.
/// </summary>
public sealed class PodPortDialer(PortForwardOptions options, TimeProvider time)
{
    /// <summary>What the pod looks like now: null when it is gone, else whether all its containers have run for a while.</summary>
    public delegate Task<PodState?> PodProbe(CancellationToken ct);

    public sealed record PodState(bool Settled);

    public async Task<DialResult> DialAsync(DialTarget target, int port, PodProbe probe, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var settledRefusals = 0;
        while (true)
        {
            var (socket, error) = target.NetworkNamespace is { } ns
                ? await DialLocalhostAsync(ns, port, ct)
                : await ConnectAsync(null, new IPEndPoint(target.Address, port), ct);
            if (socket is not null)
            {
                return new DialResult(socket, null);
            }
            var waited = time.GetElapsedTime(started);
            var state = await probe(ct);
            if (state is null)
            {
                return new DialResult(null, $"{error} (the pod is gone)");
            }
            // Twice, one retry apart: the agent learns of a container's exit a moment after the port
            // closes, and a refusal in that moment must not end a forward that would outlive the restart.
            if (state.Settled)
            {
                if (++settledRefusals >= 2)
                {
                    return new DialResult(null, error);
                }
            }
            else if (waited + options.RetryInterval >= options.Wait)
            {
                return new DialResult(null, $"{error} (waited {options.Wait.TotalSeconds:0}s for the container)");
            }
            await Task.Delay(options.RetryInterval, time, ct);
        }
    }

    /// <summary>
    /// containerd's dial: localhost inside the pod's namespace, IPv4 first, then IPv6; the error
    /// names both attempts, as containerd's does.
    /// </summary>
    private async Task<(Socket?, string?)> DialLocalhostAsync(string ns, int port, CancellationToken ct)
    {
        var (v4, v4Error) = await ConnectAsync(ns, new IPEndPoint(IPAddress.Loopback, port), ct);
        if (v4 is not null)
        {
            return (v4, null);
        }
        var (v6, v6Error) = await ConnectAsync(ns, new IPEndPoint(IPAddress.IPv6Loopback, port), ct);
        return v6 is not null
            ? (v6, null)
            : (null, $"failed to connect to localhost:{port} inside namespace \"{Path.GetFileName(ns)}\", IPv4: {v4Error} IPv6 {v6Error}");
    }

    /// <summary>One connection attempt, from the host or from inside <paramref name="ns"/>; on failure, Go's wording of why.</summary>
    private async Task<(Socket?, string?)> ConnectAsync(string? ns, IPEndPoint endpoint, CancellationToken ct)
    {
        var network = ns is null ? "tcp" : endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? "tcp6" : "tcp4";
        Socket socket;
        try
        {
            socket = ns is null
                ? new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
                : await NetnsSockets.CreateAsync(ns, endpoint.AddressFamily);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            return (null, $"dial {network} {FormatEndpoint(endpoint)}: socket: {e.Message}");
        }
        string failure;
        try
        {
            using var attempt = Deadline.After(options.ConnectTimeout, time, ct);
            await socket.ConnectAsync(endpoint, attempt.Token);
            return (socket, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            failure = "i/o timeout";
        }
        catch (SocketException e)
        {
            failure = Describe(e.SocketErrorCode, e.Message);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        socket.Dispose();
        return (null, $"dial {network} {FormatEndpoint(endpoint)}: {failure}");
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

/// <summary>
/// Where to dial: localhost inside the pod's network namespace (a path under /run/netns) when it has
/// one, as the kubelet does; otherwise (host network, runtimes without namespaces) the pod's address.
/// </summary>
public sealed record DialTarget(IPAddress Address, string? NetworkNamespace);

/// <summary>A connected socket, or why there is none.</summary>
public sealed record DialResult(Socket? Socket, string? Error);
