using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Axolotl.E2E.Tests.Ingress;

/// <summary>
/// Requests to the Ingress controller on 127.0.0.1 (or a given address) as if the host name resolved there: the URL keeps the
/// host (so Host and SNI carry it) and the connection goes to the loopback port. Records the certificate
/// the server chose.
/// </summary>
internal static class IngressClient
{
    public sealed record Answer(HttpStatusCode Status, string Body, Version Version, string? CertificateSubject);

    /// <param name="address">Where the connection goes (default 127.0.0.1): a host lab node's address, for one.</param>
    public static async Task<Answer?> GetAsync(string scheme, string host, int port, string path, Version? version = null, IPAddress? address = null)
    {
        string? subject = null;
        using var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(address ?? IPAddress.Loopback, port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
#pragma warning disable CA5359 // The test records which certificate SNI chose; self-signed ones are the point.
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    subject = certificate?.Subject;
                    return true;
                },
            },
#pragma warning restore CA5359
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{scheme}://{host}:{port}{path}")
        {
            Version = version ?? HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        try
        {
            using var response = await http.SendAsync(request);
            return new Answer(response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim(), response.Version, subject);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }
}
