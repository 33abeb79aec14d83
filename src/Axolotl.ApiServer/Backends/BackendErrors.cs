using System.Net.Sockets;
using System.Security.Authentication;

namespace Axolotl.ApiServer.Backends;

/// <summary>Go's wording of a failed call to a backend, which kubectl users search for: refused connections and certificates not trusted.</summary>
public static class BackendErrors
{
    /// <summary>The error Go's transport would give for <paramref name="e"/>; <paramref name="target"/> is the host:port dialled.</summary>
    public static string Describe(HttpRequestException e, string target, string? tlsFailure)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.InnerException is AuthenticationException)
        {
            return tlsFailure ?? "tls: failed to verify certificate: x509: certificate signed by unknown authority";
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
