using System.Globalization;
using System.Net.Sockets;

namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// Go's spellings, so probe messages read like the kubelet's: net.JoinHostPort and the errno
/// texts Go prints for failed connects.
/// </summary>
internal static class GoText
{
    public static string JoinHostPort(string host, int port) =>
        (host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The text after "dial tcp ADDR: " for a failed connect, as Go prints the errno.</summary>
    public static string ConnectError(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connect: connection refused",
        SocketError.HostUnreachable => "connect: no route to host",
        SocketError.NetworkUnreachable => "connect: network is unreachable",
        SocketError.TimedOut => "connect: connection timed out",
        SocketError.AddressNotAvailable => "connect: cannot assign requested address",
        SocketError.AccessDenied => "connect: permission denied",
        SocketError.ConnectionReset => "connect: connection reset by peer",
        _ => "connect: " + Errno(e.Message),
    };

    /// <summary>The text after "read tcp ADDR: " for a failed read.</summary>
    public static string ReadError(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionReset => "read: connection reset by peer",
        SocketError.ConnectionAborted => "read: software caused connection abort",
        SocketError.TimedOut => "read: connection timed out",
        _ => "read: " + Errno(e.Message),
    };

    public static bool IsLookupFailure(SocketException e) =>
        e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain or SocketError.NoRecovery;

    // Go prints strerror in lower case ("connection refused"); .NET capitalises it.
    private static string Errno(string message) =>
        message.Length > 1 && char.IsUpper(message[0]) && !char.IsUpper(message[1])
            ? char.ToLowerInvariant(message[0]) + message[1..]
            : message;
}
