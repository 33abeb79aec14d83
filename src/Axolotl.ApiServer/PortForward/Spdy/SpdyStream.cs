using System.Buffers;
using System.IO.Pipelines;

namespace Axolotl.ApiServer.PortForward.Spdy;

/// <summary>
/// One SPDY stream of a <see cref="SpdySession"/>: the peer's data arrives through a bounded pipe
/// (a slow reader stalls the connection's reader, as spdystream does, rather than buffering without
/// limit); writes become DATA frames within the peer's flow-control window when it uses one.
/// </summary>
public sealed class SpdyStream
{
    private const int MaxDataFrame = 32 * 1024;
    private readonly SpdySession _session;
    private readonly Pipe _input = new(new PipeOptions(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false));
    private readonly CancellationTokenSource _reset = new();
    private readonly TaskCompletionSource<IReadOnlyList<KeyValuePair<string, string>>> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _windowLock = new();
    private TaskCompletionSource _windowOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sendWindow;
    private int _inputDone;
    private bool _writeClosed;

    internal SpdyStream(SpdySession session, uint id, IReadOnlyList<KeyValuePair<string, string>> headers, long sendWindow)
    {
        _session = session;
        Id = id;
        Headers = headers;
        _sendWindow = sendWindow;
    }

    public uint Id { get; }

    /// <summary>The SYN_STREAM's headers (names lower-case).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Cancelled when either side resets the stream or the session ends.</summary>
    public CancellationToken Aborted => _reset.Token;

    /// <summary>The peer's SYN_REPLY headers, for streams this side opened.</summary>
    public Task<IReadOnlyList<KeyValuePair<string, string>>> Reply => _reply.Task;

    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    /// <summary>Reads the peer's data; 0 when the peer finished (FIN) or the stream was reset.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _input.Reader.ReadAsync(ct);
            }
            catch (InvalidOperationException)
            {
                return 0; // The reader was completed by a reset.
            }
            var data = result.Buffer;
            if (!data.IsEmpty)
            {
                var n = (int)Math.Min(buffer.Length, data.Length);
                data.Slice(0, n).CopyTo(buffer.Span);
                _input.Reader.AdvanceTo(data.GetPosition(n));
                return n;
            }
            _input.Reader.AdvanceTo(data.Start, data.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return 0;
            }
        }
    }

    /// <summary>Drops whatever the peer still sends on this stream, so an abandoned stream never stalls the connection.</summary>
    public void DiscardInput() => _input.Reader.Complete();

    /// <summary>Done with the stream: drops further input and forgets it, so long sessions do not accumulate streams.</summary>
    public void Release()
    {
        DiscardInput();
        _session.Forget(this);
    }

    /// <summary>Accepts a stream the peer opened (SYN_REPLY).</summary>
    public Task SendReplyAsync(CancellationToken ct, bool fin = false) =>
        _session.SendAsync(new SynReplyFrame(Id, fin, []), ct);

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            var n = await TakeWindowAsync(Math.Min(data.Length, MaxDataFrame), ct);
            await _session.SendAsync(new DataFrame(Id, false, data[..n]), ct);
            data = data[n..];
        }
    }

    /// <summary>Half-closes: an empty DATA frame with FIN. Later calls do nothing.</summary>
    public Task CloseWriteAsync(CancellationToken ct)
    {
        lock (_windowLock)
        {
            if (_writeClosed || _reset.IsCancellationRequested)
            {
                return Task.CompletedTask;
            }
            _writeClosed = true;
        }
        return _session.SendAsync(new DataFrame(Id, true, ReadOnlyMemory<byte>.Empty), ct);
    }

    public async Task ResetAsync(SpdyRstStatus status, CancellationToken ct)
    {
        if (_reset.IsCancellationRequested)
        {
            return;
        }
        await _reset.CancelAsync();
        await _session.SendAsync(new RstStreamFrame(Id, status), ct);
        await CompleteInputAsync();
        _session.Forget(this);
    }

    private async Task<int> TakeWindowAsync(int wanted, CancellationToken ct)
    {
        while (true)
        {
            Task opened;
            lock (_windowLock)
            {
                if (_reset.IsCancellationRequested)
                {
                    throw new OperationCanceledException("the SPDY stream was reset");
                }
                if (!_session.PeerUsesFlowControl)
                {
                    return wanted;
                }
                var allowed = (int)Math.Min(wanted, Math.Min(_sendWindow, _session.TakeSessionWindow(wanted, peek: true)));
                if (allowed > 0)
                {
                    _session.TakeSessionWindow(allowed, peek: false);
                    _sendWindow -= allowed;
                    return allowed;
                }
                opened = _windowOpened.Task;
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct, _reset.Token);
            await opened.WaitAsync(wait.Token);
        }
    }

    internal void AdjustSendWindow(long delta)
    {
        lock (_windowLock)
        {
            _sendWindow += delta;
            WakeWriters();
        }
    }

    internal void WakeWriters()
    {
        var opened = _windowOpened;
        _windowOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        opened.TrySetResult();
    }

    internal async ValueTask OnDataAsync(ReadOnlyMemory<byte> data, bool fin, CancellationToken ct)
    {
        if (Volatile.Read(ref _inputDone) != 0)
        {
            return;
        }
        if (!data.IsEmpty)
        {
            await _input.Writer.WriteAsync(data, ct);
        }
        if (fin)
        {
            await CompleteInputAsync();
        }
    }

    internal void OnReply(IReadOnlyList<KeyValuePair<string, string>> headers) => _reply.TrySetResult(headers);

    internal async ValueTask OnResetAsync()
    {
        _reply.TrySetException(new IOException($"stream {Id} was reset by the peer"));
        await _reset.CancelAsync();
        lock (_windowLock)
        {
            WakeWriters();
        }
        await CompleteInputAsync();
    }

    internal async ValueTask CompleteInputAsync()
    {
        if (Interlocked.Exchange(ref _inputDone, 1) == 0)
        {
            await _input.Writer.CompleteAsync();
        }
    }
}
