using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Etcdserverpb;
using Grpc.Core;
using Mvccpb;

namespace Axolotl.Storage.Etcd;

/// <summary>
/// One store watch on one etcd watch stream (a gRPC Watch call of its own). A pump reads the
/// stream into a bounded channel of <see cref="EtcdStoreOptions.WatchChannelCapacity"/> events; when the
/// reader falls that far behind on live events, the channel is closed with <see cref="CompactedException"/> (the
/// client relists) rather than letting etcd's stream back up. History (events up to the revision etcd
/// had when the stream was created) waits for the reader instead, as the SQLite store's replay does. When the member goes away the pump re-opens
/// the stream on any member from the next revision, backing off up to <see cref="EtcdStoreOptions.WatchRetryMax"/>,
/// so a watch survives a member restart or a leader change without a gap; if the revisions it missed were
/// compacted meanwhile it ends with <see cref="CompactedException"/>.
/// </summary>
internal sealed class EtcdWatch(EtcdStore store, string prefix, long afterRevision)
{
    private readonly Channel<StoreEvent> _channel = Channel.CreateBounded<StoreEvent>(new BoundedChannelOptions(store.Options.WatchChannelCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = true,
        AllowSynchronousContinuations = false,
    });

    public async IAsyncEnumerable<StoreEvent> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(store.Lifetime.IsCancellationRequested, store);
        if (afterRevision < store.CompactRevision)
        {
            throw new CompactedException(afterRevision, store.CompactRevision);
        }

        using var pumping = CancellationTokenSource.CreateLinkedTokenSource(ct, store.Lifetime);
        var pump = Task.Run(() => PumpAsync(pumping.Token), CancellationToken.None);
        try
        {
            while (await WaitAsync(ct))
            {
                while (_channel.Reader.TryRead(out var e))
                {
                    yield return e;
                }
            }
        }
        finally
        {
            await pumping.CancelAsync();
            await pump;
        }
    }

    /// <summary>Waits for events; false when the watch ended normally, the pump's error when it failed.</summary>
    private async Task<bool> WaitAsync(CancellationToken ct)
    {
        try
        {
            return await _channel.Reader.WaitToReadAsync(ct);
        }
        catch (ChannelClosedException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private async Task PumpAsync(CancellationToken ct)
    {
        var etcdPrefix = store.Layout.PrefixToEtcd(prefix);
        var rangeStart = etcdPrefix ?? store.Layout.Root;
        var next = afterRevision + 1;
        var lastGiven = afterRevision;
        var backoff = TimeSpan.FromMilliseconds(100);
        var historyEnd = 0L;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var create = new WatchRequest
                    {
                        CreateRequest = new WatchCreateRequest
                        {
                            Key = EtcdKeys.Of(rangeStart),
                            RangeEnd = EtcdKeys.PrefixEnd(rangeStart),
                            StartRevision = next,
                            PrevKv = true,
                        },
                    };
                    var (call, response) = await store.Connection.OpenWatchAsync(create, ct);
                    using (call)
                    {
                        do
                        {
                            backoff = TimeSpan.FromMilliseconds(100);
                            store.Observe(response.Header?.Revision ?? 0);
                            if (response.Created)
                            {
                                // Events up to the revision etcd had when the watch was created are history.
                                historyEnd = response.Header?.Revision ?? 0;
                            }

                            if (response.CompactRevision > 0)
                            {
                                store.ObserveCompaction(response.CompactRevision);
                                _channel.Writer.TryComplete(new CompactedException(next - 1, response.CompactRevision));
                                return;
                            }

                            if (response.Canceled)
                            {
                                // The member gave up on the watch (it is shutting down, say): open it again.
                                break;
                            }

                            foreach (var raw in response.Events)
                            {
                                var e = ToStoreEvent(raw, etcdPrefix);
                                next = e.Revision + 1;
                                store.Observe(e.Revision);
                                if (e.Event is null)
                                {
                                    continue;
                                }

                                if (e.Revision <= historyEnd)
                                {
                                    // Replaying history holds up nobody but this watch's own etcd stream: wait for the reader.
                                    await _channel.Writer.WriteAsync(e.Event, ct);
                                }
                                else if (!_channel.Writer.TryWrite(e.Event))
                                {
                                    _channel.Writer.TryComplete(new CompactedException(lastGiven, store.CompactRevision));
                                    return;
                                }

                                lastGiven = e.Revision;
                            }
                        }
                        while (await call.ResponseStream.MoveNext(ct) && (response = call.ResponseStream.Current) is not null);
                    }
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is StoreUnavailableException or RpcException or HttpRequestException or IOException)
                {
                    // The member went away or the stream broke: retry below.
                }

                if (ct.IsCancellationRequested)
                {
                    break;
                }

                await Task.Delay(backoff, store.Time, ct);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, store.Options.WatchRetryMax.Ticks));
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // The reader stopped or the store was disposed (its channels too, which a stream being opened may meet first).
        }
        catch (Exception e)
        {
            _channel.Writer.TryComplete(e);
            return;
        }

        _channel.Writer.TryComplete();
    }

    /// <summary>Maps an mvccpb.Event; Event is null when the key is outside the watch's prefix.</summary>
    private (long Revision, StoreEvent? Event) ToStoreEvent(Event raw, string? etcdPrefix)
    {
        var kv = raw.Kv;
        var etcdKey = kv.Key.ToStringUtf8();
        var key = etcdPrefix is not null && etcdKey.StartsWith(etcdPrefix, StringComparison.Ordinal)
            ? prefix + etcdKey[etcdPrefix.Length..]
            : store.Layout.FromEtcd(etcdKey);
        if (key is null || !key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (kv.ModRevision, null);
        }

        if (raw.Type == Event.Types.EventType.Delete)
        {
            // The deletion carries only the key and revision; the last value comes from prev_kv (absent when that
            // revision was compacted, and then the event says only which key went).
            var last = raw.PrevKv;
            return (kv.ModRevision, new StoreEvent(StoreEventType.Deleted,
                new StoreEntry(key, last?.Value.Memory ?? ReadOnlyMemory<byte>.Empty, last?.CreateRevision ?? 0, kv.ModRevision)));
        }

        var type = kv.CreateRevision == kv.ModRevision ? StoreEventType.Added : StoreEventType.Modified;
        return (kv.ModRevision, new StoreEvent(type, new StoreEntry(key, kv.Value.Memory, kv.CreateRevision, kv.ModRevision)));
    }
}
