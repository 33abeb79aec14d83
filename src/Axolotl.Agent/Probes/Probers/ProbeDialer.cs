using System.Net;
using System.Net.Sockets;

namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// Opens the TCP connections of network probes (TCP, HTTP, gRPC). Like the kubelet's ProbeDialer it
/// sets SO_LINGER to one second, so the node does not collect sockets in TIME-WAIT at high probe
/// rates, and it reports failures in Go's words ("dial tcp 10.244.0.5:8080: connect: connection refused").
/// </summary>
internal static class ProbeDialer
{
    /// <summary>Connects or throws <see cref="ProbeDialException"/>; cancellation (the probe's timeout) surfaces as OperationCanceledException.</summary>
    public static async Task<Socket> ConnectAsync(string host, int port, CancellationToken ct)
    {
        EndPoint endpoint;
        Socket socket;
        if (IPAddress.TryParse(host, out var ip))
        {
            endpoint = new IPEndPoint(ip, port);
            socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        }
        else
        {
            endpoint = new DnsEndPoint(host, port);
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        }

        try
        {
            socket.NoDelay = true;
            socket.LingerState = new LingerOption(true, 1);
            await socket.ConnectAsync(endpoint, ct);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ProbeDialException(GoText.IsLookupFailure(e)
                ? $"dial tcp: lookup {host}: no such host"
                : $"dial tcp {GoText.JoinHostPort(host, port)}: {GoText.ConnectError(e)}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Go's text for a dial that ran out of time.</summary>
    public static string Timeout(string host, int port) => $"dial tcp {GoText.JoinHostPort(host, port)}: i/o timeout";
}

/// <summary>A connect that failed; the message is already worded like Go's net.OpError.</summary>
internal sealed class ProbeDialException(string message, Exception inner) : IOException(message, inner);
