using System.Threading.Channels;

namespace Axolotl.Storage.Watch;

/// <summary>
/// One watcher's bounded queue of live events under its prefix. Writers only ever TryWrite: when the
/// queue is full the subscription is closed and marked overflowed instead of making the writer wait,
/// and the reader then ends with <see cref="CompactedException"/> so its client relists.
/// </summary>
internal sealed class WatchSubscription
{
    private readonly Channel<StoreEvent> _channel;
    private long _overflowRevision;

    public WatchSubscription(string prefix, int capacity, bool progress = false)
    {
        WantsProgress = progress;
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Prefix = prefix;
        Capacity = capacity;
        _channel = Channel.CreateBounded<StoreEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
    }

    public string Prefix { get; }

    /// <summary>Whether this watcher takes <see cref="StoreEventType.Progress"/> events.</summary>
    public bool WantsProgress { get; }

    public int Capacity { get; }

    public ChannelReader<StoreEvent> Reader => _channel.Reader;

    /// <summary>The revision of the first event that did not fit, or 0 while the watcher keeps up.</summary>
    public long OverflowRevision => Interlocked.Read(ref _overflowRevision);

    /// <summary>Queues the event if it is under the prefix; returns false when the watcher fell behind.</summary>
    public bool Offer(StoreEvent e)
    {
        if (e.Type == StoreEventType.Progress ? !WantsProgress : !e.Entry.Key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return true;
        }

        if (_channel.Writer.TryWrite(e))
        {
            return true;
        }

        if (Interlocked.CompareExchange(ref _overflowRevision, e.Entry.ModRevision, 0) == 0)
        {
            _channel.Writer.TryComplete();
        }

        return false;
    }

    /// <summary>Ends the stream as if the watcher fell behind at <paramref name="revision"/>, so its client relists.</summary>
    public void Abort(long revision)
    {
        if (Interlocked.CompareExchange(ref _overflowRevision, revision, 0) == 0)
        {
            _channel.Writer.TryComplete();
        }
    }

    /// <summary>Ends the stream normally (the store is closing).</summary>
    public void Close() => _channel.Writer.TryComplete();
}
