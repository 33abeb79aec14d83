using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.PortForward;

/// <summary>
/// A port-forward client of the kind the client libraries have (Python, JavaScript, C#): one
/// WebSocket with ?ports=, channel 2·i data and 2·i+1 error, each announced with its port first.
/// Written here from the protocol, so the test does not depend on any one library's code.
/// </summary>
internal sealed class WebSocketPortForwardClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly ClientWebSocket _socket;
    private readonly bool _base64;

    private WebSocketPortForwardClient(ClientWebSocket socket, bool base64)
    {
        _socket = socket;
        _base64 = base64;
    }

    public string? SubProtocol => _socket.SubProtocol;

    public static Uri Url(AxolotlServer server, string ns, string pod, string ports) =>
        new($"wss://127.0.0.1:{server.Port}/api/v1/namespaces/{ns}/pods/{pod}/portforward?{ports}");

    /// <param name="protocol">v4.channel.k8s.io, v4.base64.channel.k8s.io, or "" for none.</param>
    public static async Task<WebSocketPortForwardClient> ConnectAsync(AxolotlServer server, string ns, string pod, string protocol, string ports)
    {
        var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = ServerTrust.For(server);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + KubeconfigFile.Token(server.Kubeconfig));
        if (protocol.Length > 0)
        {
            socket.Options.AddSubProtocol(protocol);
        }
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(Url(server, ns, pod, ports), timeout.Token);
        return new WebSocketPortForwardClient(socket, protocol == "v4.base64.channel.k8s.io");
    }

    public async Task SendAsync(int channel, string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        if (_base64)
        {
            await _socket.SendAsync(Encoding.ASCII.GetBytes((char)('0' + channel) + Convert.ToBase64String(data)), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        else
        {
            await _socket.SendAsync((byte[])[(byte)channel, .. data], WebSocketMessageType.Binary, true, CancellationToken.None);
        }
    }

    /// <summary>Everything received per channel until the server closes the WebSocket.</summary>
    public async Task<Dictionary<int, List<byte[]>>> ReadUntilCloseAsync()
    {
        var channels = new Dictionary<int, List<byte[]>>();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return channels;
            }
            var bytes = message.ToArray();
            if (bytes.Length == 0)
            {
                continue;
            }
            int channel;
            byte[] data;
            if (_base64)
            {
                Assert.Equal(WebSocketMessageType.Text, result.MessageType);
                channel = bytes[0] - '0';
                data = Convert.FromBase64String(Encoding.ASCII.GetString(bytes, 1, bytes.Length - 1));
            }
            else
            {
                Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
                channel = bytes[0];
                data = bytes[1..];
            }
            if (!channels.TryGetValue(channel, out var list))
            {
                channels[channel] = list = [];
            }
            list.Add(data);
        }
    }

    /// <summary>The port a channel announced in its first message.</summary>
    public static int AnnouncedPort(Dictionary<int, List<byte[]>> channels, int channel)
    {
        var first = channels[channel][0];
        Assert.Equal(2, first.Length);
        return BinaryPrimitives.ReadUInt16LittleEndian(first);
    }

    /// <summary>What a channel carried after its port announcement.</summary>
    public static string Text(Dictionary<int, List<byte[]>> channels, int channel) =>
        channels.TryGetValue(channel, out var list) ? string.Concat(list.Skip(1).Select(b => Encoding.UTF8.GetString(b))) : "";

    /// <summary>A WebSocket upgrade request sent as plain HTTP, to read the Status of a refused one.</summary>
    public static async Task<(int Code, string Body)> RefusedUpgradeAsync(AxolotlServer server, string ns, string pod, string ports, string? protocol = "v4.channel.k8s.io")
    {
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = ServerTrust.For(server) } });
        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(Url(server, ns, pod, ports)) { Scheme = "https" }.Uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", KubeconfigFile.Token(server.Kubeconfig));
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        if (protocol is not null)
        {
            request.Headers.Add("Sec-WebSocket-Protocol", protocol);
        }
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            _socket.Abort();
        }
        _socket.Dispose();
        await Task.CompletedTask;
    }
}
