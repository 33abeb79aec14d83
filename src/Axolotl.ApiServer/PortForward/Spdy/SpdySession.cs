using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Axolotl.ApiServer.PortForward.Spdy;

/// <summary>
/// A SPDY/3.1 connection over any duplex byte stream (a hijacked HTTP/1.1 connection, or a
/// WebSocket carrying SPDY bytes). One reader loop decodes frames and dispatches them; writers are
/// serialised, because header compression state must follow send order. PINGs from the peer are
/// echoed. Flow control follows SPDY/3.1 (per stream and per session, 64 KiB initial windows), but
/// send windows are only enforced once the peer shows it keeps them (a SETTINGS initial window or a
/// WINDOW_UPDATE): kubectl's spdystream never sends WINDOW_UPDATE and relies on TCP back pressure,
/// so enforcing windows against it would stall every transfer after 64 KiB.
/// </summary>
public sealed class SpdySession : IAsyncDisposable
{
    public const int DefaultWindow = 64 * 1024;

    private readonly Stream _transport;
    private readonly bool _isClient;
    private readonly SpdyFramer _framer = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<uint, SpdyStream> _streams = new();
    private readonly ConcurrentDictionary<uint, long> _unacknowledged = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly Lock _sessionWindowLock = new();
    private long _sessionSendWindow = DefaultWindow;
    private long _initialSendWindow = DefaultWindow;
    private long _sessionUnacknowledged;
    private uint _nextStreamId;
    private uint _lastRemoteStreamId;
    private volatile bool _peerFlowControl;
    private volatile bool _goingAway;

    public SpdySession(Stream transport, bool isClient)
    {
        _transport = transport;
        _isClient = isClient;
        _nextStreamId = isClient ? 1u : 2u;
    }

    /// <summary>Cancelled when the connection ends, for any reason.</summary>
    public CancellationToken Closed => _closed.Token;

    internal bool PeerUsesFlowControl => _peerFlowControl;

    /// <summary>Why the session ended, when the peer broke the protocol.</summary>
    public SpdyProtocolException? Failure { get; private set; }

    /// <summary>
    /// Reads frames until the peer closes the connection or breaks the protocol. Streams the peer
    /// opens are handed to <paramref name="onStream"/>, which must answer them (SYN_REPLY or RST).
    /// </summary>
    public async Task RunAsync(Func<SpdyStream, Task> onStream, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _closed.Token);
        var handlers = new List<Task>();
        try
        {
            while (await _framer.ReadAsync(_transport, linked.Token) is { } frame)
            {
                if (frame is SynStreamFrame syn && Accept(syn) is { } stream)
                {
                    handlers.RemoveAll(t => t.IsCompleted);
                    handlers.Add(Task.Run(() => onStream(stream), CancellationToken.None));
                    continue;
                }
                await DispatchAsync(frame, linked.Token);
            }
        }
        catch (SpdyProtocolException e)
        {
            Failure = e;
            await TrySendAsync(new GoAwayFrame(_lastRemoteStreamId, 1));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection broke or the server is stopping.
        }
        finally
        {
            await _closed.CancelAsync();
            foreach (var stream in _streams.Values)
            {
                await stream.OnResetAsync();
            }
            _streams.Clear();
        }
        await Task.WhenAll(handlers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Opens a stream (SYN_STREAM) from this side; await <see cref="SpdyStream.Reply"/> for the answer.</summary>
    public async Task<SpdyStream> OpenStreamAsync(IReadOnlyList<KeyValuePair<string, string>> headers, bool fin, CancellationToken ct)
    {
        SpdyStream stream;
        await _writeLock.WaitAsync(ct);
        try
        {
            var id = _nextStreamId;
            _nextStreamId += 2;
            stream = new SpdyStream(this, id, headers, Interlocked.Read(ref _initialSendWindow));
            _streams[id] = stream;
            await WriteLockedAsync(new SynStreamFrame(id, 0, 0, fin, false, headers), ct);
        }
        finally
        {
            _writeLock.Release();
        }
        return stream;
    }

    public Task PingAsync(uint id, CancellationToken ct) => SendAsync(new PingFrame(id), ct);

    /// <summary>Tells the peer no more streams will be accepted, then lets the streams in flight finish.</summary>
    public async Task GoAwayAsync(CancellationToken ct)
    {
        _goingAway = true;
        await SendAsync(new GoAwayFrame(_lastRemoteStreamId, 0), ct);
    }

    internal async Task SendAsync(SpdyFrame frame, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _closed.Token);
        await _writeLock.WaitAsync(linked.Token);
        try
        {
            await WriteLockedAsync(frame, linked.Token);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task WriteLockedAsync(SpdyFrame frame, CancellationToken ct)
    {
        var bytes = _framer.Encode(frame);
        await _transport.WriteAsync(bytes, ct);
        await _transport.FlushAsync(ct);
    }

    private async Task TrySendAsync(SpdyFrame frame)
    {
        try
        {
            await SendAsync(frame, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    internal void Forget(SpdyStream stream)
    {
        _streams.TryRemove(stream.Id, out _);
        _unacknowledged.TryRemove(stream.Id, out _);
    }

    /// <summary>Session-level send window (SPDY/3.1 stream 0): peek or take.</summary>
    internal long TakeSessionWindow(long wanted, bool peek)
    {
        lock (_sessionWindowLock)
        {
            var allowed = Math.Min(wanted, _sessionSendWindow);
            if (!peek)
            {
                _sessionSendWindow -= allowed;
            }
            return allowed;
        }
    }

    private SpdyStream? Accept(SynStreamFrame syn)
    {
        // The peer opens streams with the other parity, in increasing order.
        var peerParity = _isClient ? 0u : 1u;
        if (syn.StreamId == 0 || (syn.StreamId & 1) != peerParity || syn.StreamId <= _lastRemoteStreamId)
        {
            throw new SpdyProtocolException($"invalid stream id {syn.StreamId}");
        }
        _lastRemoteStreamId = syn.StreamId;
        if (_goingAway)
        {
            _ = TrySendAsync(new RstStreamFrame(syn.StreamId, SpdyRstStatus.RefusedStream));
            return null;
        }
        var stream = new SpdyStream(this, syn.StreamId, syn.Headers, Interlocked.Read(ref _initialSendWindow));
        _streams[syn.StreamId] = stream;
        if (syn.Fin)
        {
            _ = stream.CompleteInputAsync().AsTask();
        }
        return stream;
    }

    private async Task DispatchAsync(SpdyFrame frame, CancellationToken ct)
    {
        switch (frame)
        {
            case DataFrame data:
                if (_streams.TryGetValue(data.StreamId, out var target))
                {
                    await target.OnDataAsync(data.Data, data.Fin, ct);
                    await AcknowledgeAsync(data.StreamId, data.Data.Length, ct);
                }
                else if (!data.Fin || !data.Data.IsEmpty)
                {
                    await SendAsync(new RstStreamFrame(data.StreamId, SpdyRstStatus.InvalidStream), ct);
                }
                break;
            case SynReplyFrame reply when _streams.TryGetValue(reply.StreamId, out var opened):
                opened.OnReply(reply.Headers);
                if (reply.Fin)
                {
                    await opened.CompleteInputAsync();
                }
                break;
            case RstStreamFrame rst when _streams.TryRemove(rst.StreamId, out var reset):
                await reset.OnResetAsync();
                break;
            case PingFrame ping when (ping.Id & 1) != (_isClient ? 1u : 0u):
                await SendAsync(ping, ct);
                break;
            case SettingsFrame settings:
                foreach (var setting in settings.Settings.Where(s => s.Id == SpdySetting.InitialWindowSize))
                {
                    _peerFlowControl = true;
                    var delta = setting.Value - Interlocked.Exchange(ref _initialSendWindow, setting.Value);
                    foreach (var stream in _streams.Values)
                    {
                        stream.AdjustSendWindow(delta);
                    }
                }
                break;
            case WindowUpdateFrame update:
                _peerFlowControl = true;
                if (update.StreamId == 0)
                {
                    lock (_sessionWindowLock)
                    {
                        _sessionSendWindow += update.Delta;
                    }
                    foreach (var stream in _streams.Values)
                    {
                        stream.AdjustSendWindow(0);
                    }
                }
                else if (_streams.TryGetValue(update.StreamId, out var window))
                {
                    window.AdjustSendWindow(update.Delta);
                }
                break;
            case GoAwayFrame:
                _goingAway = true;
                break;
            default:
                // HEADERS, our own PING answered, CREDENTIAL and unknown types: nothing to do.
                break;
        }
    }

    /// <summary>
    /// Returns receive window once half of it was used. The data was already handed to a bounded
    /// pipe, so a slow consumer holds the reader (and these updates) back.
    /// </summary>
    private async Task AcknowledgeAsync(uint streamId, int length, CancellationToken ct)
    {
        if (length == 0)
        {
            return;
        }
        var pending = _unacknowledged.AddOrUpdate(streamId, length, (_, old) => old + length);
        if (pending >= DefaultWindow / 2)
        {
            _unacknowledged[streamId] = 0;
            await SendAsync(new WindowUpdateFrame(streamId, (uint)pending), ct);
        }
        _sessionUnacknowledged += length;
        if (_sessionUnacknowledged >= DefaultWindow / 2)
        {
            var delta = _sessionUnacknowledged;
            _sessionUnacknowledged = 0;
            await SendAsync(new WindowUpdateFrame(0, (uint)delta), ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closed.CancelAsync();
        _framer.Dispose();
        _writeLock.Dispose();
        _closed.Dispose();
    }
}
