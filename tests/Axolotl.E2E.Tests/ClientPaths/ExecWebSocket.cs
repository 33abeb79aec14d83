using System.Net.WebSockets;
using System.Text;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.PortForward;

namespace Axolotl.E2E.Tests.ClientPaths;

/// <summary>
/// pods/exec over a WebSocket with a chosen subprotocol (or none), written from the protocol: binary
/// frames (channel byte + data) or the base64 forms (channel digit + base64 text).
/// </summary>
internal sealed class ExecWebSocket : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly ClientWebSocket _socket;
    private readonly bool _base64;

    private ExecWebSocket(ClientWebSocket socket, bool base64)
    {
        _socket = socket;
        _base64 = base64;
    }

    public string? SubProtocol => _socket.SubProtocol;

    /// <param name="protocol">A subprotocol, or "" to offer none.</param>
    public static async Task<ExecWebSocket> ConnectAsync(AxolotlServer server, string ns, string pod, string protocol, string command, bool stdin)
    {
        var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = ServerTrust.For(server);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + KubeconfigFile.Token(server.Kubeconfig));
        if (protocol.Length > 0)
        {
            socket.Options.AddSubProtocol(protocol);
        }
        var query = $"command=sh&command=-c&command={Uri.EscapeDataString(command)}&stdout=true&stderr=true&stdin={(stdin ? "true" : "false")}";
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{server.Port}/api/v1/namespaces/{ns}/pods/{pod}/exec?{query}"), timeout.Token);
        return new ExecWebSocket(socket, protocol.Contains("base64", StringComparison.Ordinal));
    }

    public async Task SendAsync(byte channel, byte[] data)
    {
        if (_base64)
        {
            await _socket.SendAsync(Encoding.ASCII.GetBytes((char)('0' + channel) + Convert.ToBase64String(data)), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        else
        {
            await _socket.SendAsync((byte[])[channel, .. data], WebSocketMessageType.Binary, true, CancellationToken.None);
        }
    }

    /// <summary>Everything received per channel until the server closes, with the frame types seen.</summary>
    public async Task<(Dictionary<int, string> Channels, HashSet<WebSocketMessageType> Types)> ReadUntilCloseAsync()
    {
        var channels = new Dictionary<int, string>();
        var types = new HashSet<WebSocketMessageType>();
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
                return (channels, types);
            }
            var bytes = message.ToArray();
            if (bytes.Length == 0)
            {
                continue;
            }
            types.Add(result.MessageType);
            var channel = _base64 ? bytes[0] - '0' : bytes[0];
            var data = _base64 ? Convert.FromBase64String(Encoding.ASCII.GetString(bytes, 1, bytes.Length - 1)) : bytes[1..];
            channels[channel] = channels.GetValueOrDefault(channel, "") + Encoding.UTF8.GetString(data);
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
