using System.Net.Sockets;
using System.Security.Authentication;

namespace Axolotl.Hosting.Network;

/// <summary>
/// Go's wording of a failed HTTP call (refused, reset, unknown host, unreachable, ended early), which kubectl users
/// search for: the API server's backends (webhooks, aggregated APIs) and the controllers' availability probes share it.
/// </summary>
public static class GoNetErrors
{
    /// <summary>The error Go's transport would give for <paramref name="e"/>; <paramref name="target"/> is the host:port dialled.</summary>
    /// <param name="tlsFailure">What to say when the TLS handshake failed (the caller knows why).</param>
    public static string Describe(HttpRequestException e, string target, string tlsFailure)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.InnerException is AuthenticationException)
        {
            return tlsFailure;
        }
        var socket = e.InnerException as SocketException ?? e.InnerException?.InnerException as SocketException;
        var host = target.LastIndexOf(':') is var colon and > 0 ? target[..colon] : target;
        return socket?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => $"dial tcp {target}: connect: connection refused",
            SocketError.ConnectionReset => "read: connection reset by peer",
            SocketError.HostNotFound or SocketError.NoData => $"dial tcp: lookup {host}: no such host",
            SocketError.NetworkUnreachable or SocketError.HostUnreachable => $"dial tcp {target}: connect: no route to host",
            _ when e.HttpRequestError == HttpRequestError.ResponseEnded => "EOF",
            _ => e.Message,
        };
    }
}
