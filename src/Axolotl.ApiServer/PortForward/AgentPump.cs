using System.Net.WebSockets;
using System.Text;

namespace Axolotl.ApiServer.PortForward;

/// <summary>The client's side of one forwarded connection, whatever protocol carries it (a SPDY stream pair, a channel pair).</summary>
public interface IForwardedConnection
{
    /// <summary>Bytes the client sent; 0 once the client has finished sending.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct);

    /// <summary>Bytes from the pod to the client.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct);

    /// <summary>True when the client abandoned the connection (rather than finishing its input).</summary>
    bool Aborted { get; }
}

/// <summary>
/// Copies one forwarded connection between the client and the agent's WebSocket (the agent protocol:
/// binary messages led by a channel byte, 0 data both ways, 1 error text from the agent, 2 end of the
/// client's input) until the agent closes, which it does when the pod's side ended.
/// </summary>
public static class AgentPump
{
    private const int BufferSize = 32 * 1024;
    private const byte DataChannel = 0;
    private const byte ErrorChannel = 1;
    private const byte EndOfInput = 2;

    /// <summary>Returns the agent's error text, if it sent any.</summary>
    public static async Task<string?> RunAsync(WebSocket agent, IForwardedConnection client, CancellationTokenSource connection)
    {
        using var stopUpstream = CancellationTokenSource.CreateLinkedTokenSource(connection.Token);
        var upstream = CopyToAgentAsync(client, agent, stopUpstream.Token, connection.Token);
        var failure = new StringBuilder();
        var buffer = new byte[BufferSize + 1];
        try
        {
            while (true)
            {
                var offset = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await agent.ReceiveAsync(buffer.AsMemory(offset), connection.Token);
                    offset += result.Count;
                }
                while (!result.EndOfMessage && offset < buffer.Length);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                if (offset == 0)
                {
                    continue;
                }
                if (buffer[0] == DataChannel)
                {
                    await client.WriteAsync(buffer.AsMemory(1, offset - 1), connection.Token);
                }
                else if (buffer[0] == ErrorChannel)
                {
                    failure.Append(Encoding.UTF8.GetString(buffer, 1, offset - 1));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The client went away, or the agent connection broke: either way this connection is over.
        }
        await stopUpstream.CancelAsync();
        await upstream;
        if (agent.State == WebSocketState.CloseReceived)
        {
            try
            {
                // Complete the close handshake: the agent waits for it before letting go of the connection.
                await agent.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, connection.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
            {
            }
        }
        return failure.Length > 0 ? failure.ToString() : null;
    }

    /// <summary>Reading stops on <paramref name="stop"/>; sends use <paramref name="ct"/>, since a cancelled send aborts the WebSocket.</summary>
    private static async Task CopyToAgentAsync(IForwardedConnection client, WebSocket agent, CancellationToken stop, CancellationToken ct)
    {
        var buffer = new byte[BufferSize + 1];
        try
        {
            int read;
            while ((read = await client.ReadAsync(buffer.AsMemory(1), stop)) > 0)
            {
                buffer[0] = DataChannel;
                await agent.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, true, ct);
            }
            if (!client.Aborted && !stop.IsCancellationRequested)
            {
                await agent.SendAsync(new[] { EndOfInput }, WebSocketMessageType.Binary, true, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
        }
    }
}
