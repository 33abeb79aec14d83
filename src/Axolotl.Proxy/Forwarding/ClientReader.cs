using System.Buffers;
using System.Net.Sockets;

namespace Axolotl.Proxy.Forwarding;

/// <summary>
/// The client side of a proxied connection while its endpoint may still change: one receive at a
/// time, which survives a switch to another endpoint (a socket receive cannot be taken back), and
/// whether the client has half-closed. The pump takes over a receive still in flight.
/// </summary>
internal sealed class ClientReader(Socket client, int bufferSize) : IDisposable
{
    private byte[]? _buffer;
    private Task<int>? _inFlight;

    /// <summary>The client sent FIN: nothing more will come, and the endpoint has been told.</summary>
    public bool Ended { get; private set; }

    /// <summary>The receive in flight (started if none is); null once the client has ended.</summary>
    public Task<int>? Receive()
    {
        if (Ended)
        {
            return null;
        }
        if (_inFlight is null)
        {
            _buffer ??= ArrayPool<byte>.Shared.Rent(bufferSize);
            _inFlight = client.ReceiveAsync(_buffer.AsMemory(0, bufferSize), SocketFlags.None).AsTask();
        }
        return _inFlight;
    }

    /// <summary>The bytes the completed receive brought (empty: end of stream); the next Receive starts a new one.</summary>
    public ReadOnlyMemory<byte> Take(int read)
    {
        _inFlight = null;
        if (read == 0)
        {
            Ended = true;
            return ReadOnlyMemory<byte>.Empty;
        }
        return _buffer.AsMemory(0, read);
    }

    /// <summary>Hands a receive still in flight to the pump (null when none), with the buffer it fills.</summary>
    public (Task<int> Read, byte[] Buffer)? Detach()
    {
        if (_inFlight is null || _buffer is null)
        {
            return null;
        }
        var detached = (_inFlight, _buffer);
        _inFlight = null;
        _buffer = null;
        return detached;
    }

    public void Dispose()
    {
        // A receive still in flight owns the buffer until the socket is closed; only an idle one goes back.
        if (_inFlight is null && _buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = null;
    }
}
