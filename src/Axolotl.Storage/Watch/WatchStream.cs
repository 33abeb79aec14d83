using System.Runtime.CompilerServices;

namespace Axolotl.Storage.Watch;

/// <summary>
/// Joins history and live events into one gap-free stream. The caller subscribes first and only then
/// reads history, so every event is either in the history it read or queued in the subscription
/// (or both); events already yielded from history are skipped by revision.
/// </summary>
internal static class WatchStream
{
    public static async IAsyncEnumerable<StoreEvent> ReplayThenLiveAsync(
        WatchBroadcaster broadcaster,
        WatchSubscription subscription,
        long afterRevision,
        IAsyncEnumerable<StoreEvent> history,
        [EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            var last = afterRevision;
            await foreach (var e in history.WithCancellation(ct))
            {
                last = e.Entry.ModRevision;
                yield return e;
            }

            var reader = subscription.Reader;
            while (await reader.WaitToReadAsync(ct))
            {
                while (reader.TryRead(out var e))
                {
                    if (e.Entry.ModRevision <= last)
                    {
                        continue;
                    }

                    last = e.Entry.ModRevision;
                    yield return e;
                }
            }

            var overflow = subscription.OverflowRevision;
            if (overflow != 0)
            {
                // Documented choice: a watcher that fell more than its queue capacity behind ends as if its
                // position had been compacted away; the API server turns this into 410 Gone and the client relists.
                throw new CompactedException(last, overflow);
            }
        }
        finally
        {
            broadcaster.Unsubscribe(subscription);
        }
    }
}
