namespace Axolotl.Storage.Watch;

/// <summary>
/// Fans committed events out to watchers (kine's notify-on-write broadcaster). Stores call
/// <see cref="Publish"/> while they still hold their write lock, so every subscriber sees events in
/// revision order; publishing never blocks because subscriptions only TryWrite.
/// </summary>
internal sealed class WatchBroadcaster
{
    private readonly Lock _gate = new();
    // Copy-on-write so Publish can iterate without taking the lock.
    private WatchSubscription[] _subscriptions = [];
    private bool _closed;

    public int SubscriberCount => Volatile.Read(ref _subscriptions).Length;

    public WatchSubscription Subscribe(string prefix, int capacity, bool progress = false)
    {
        var subscription = new WatchSubscription(prefix, capacity, progress);
        lock (_gate)
        {
            if (_closed)
            {
                subscription.Close();
            }
            else
            {
                _subscriptions = [.. _subscriptions, subscription];
            }
        }

        return subscription;
    }

    public void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = Array.FindAll(_subscriptions, s => !ReferenceEquals(s, subscription));
        }

        subscription.Close();
    }

    public void Publish(StoreEvent e)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (!subscription.Offer(e))
            {
                Unsubscribe(subscription);
            }
        }
    }

    /// <summary>
    /// Tells the watchers that asked for progress that every event up to <paramref name="revision"/> has been
    /// published. Called under the store's write lock, as <see cref="Publish"/> is, so it follows those events in every queue.
    /// </summary>
    public void PublishProgress(long revision) => Publish(new StoreEvent(StoreEventType.Progress, new StoreEntry("", ReadOnlyMemory<byte>.Empty, 0, revision)));

    /// <summary>Drops every current watcher as too slow at <paramref name="revision"/>: used when the store cannot
    /// vouch that it published every committed event, so clients relist rather than miss one.</summary>
    public void AbortAll(long revision)
    {
        WatchSubscription[] subscriptions;
        lock (_gate)
        {
            subscriptions = _subscriptions;
            _subscriptions = [];
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Abort(revision);
        }
    }

    /// <summary>Ends every watch normally and refuses new ones (store disposal).</summary>
    public void CloseAll()
    {
        WatchSubscription[] subscriptions;
        lock (_gate)
        {
            _closed = true;
            subscriptions = _subscriptions;
            _subscriptions = [];
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Close();
        }
    }
}
