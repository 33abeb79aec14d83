using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading.Channels;

namespace Axolotl.Storage.Etcd;

/// <summary>
/// One store watch on one etcd watch stream (POST /v3/watch, newline-delimited JSON). A pump reads the
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
                    var body = EtcdJson.Body(w =>
                    {
                        w.WriteStartObject("create_request");
                        EtcdJson.WriteKey(w, "key", rangeStart);
                        w.WriteBase64String("range_end", EtcdJson.PrefixEnd(rangeStart));
                        EtcdJson.WriteLong(w, "start_revision", next);
                        w.WriteBoolean("prev_kv", true);
                        w.WriteEndObject();
                    });
                    var (response, stream) = await store.Gateway.OpenWatchAsync(body, ct);
                    using (response)
                    using (var reader = new StreamReader(stream))
                    {
                        while (await reader.ReadLineAsync(ct) is { } line)
                        {
                            if (line.Length == 0)
                            {
                                continue;
                            }

                            backoff = TimeSpan.FromMilliseconds(100);
                            using var document = JsonDocument.Parse(line);
                            var result = EtcdJson.Child(document.RootElement, "result");
                            if (result.ValueKind != JsonValueKind.Object)
                            {
                                // {"error": …}: the member gave up on the stream; open it again.
                                break;
                            }

                            store.Observe(EtcdJson.HeaderRevision(result));
                            if (EtcdJson.Bool(result, "created"))
                            {
                                // Events up to the revision etcd had when the watch was created are history.
                                historyEnd = EtcdJson.HeaderRevision(result);
                            }

                            if (EtcdJson.Long(result, "compact_revision") is var compacted and > 0)
                            {
                                store.ObserveCompaction(compacted);
                                _channel.Writer.TryComplete(new CompactedException(next - 1, compacted));
                                return;
                            }

                            if (EtcdJson.Bool(result, "canceled"))
                            {
                                break;
                            }

                            foreach (var raw in EtcdJson.Array(result, "events"))
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
                    }
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is StoreUnavailableException or HttpRequestException or IOException or JsonException)
                {
                    // The member went away or sent garbage: retry below.
                }

                if (ct.IsCancellationRequested)
                {
                    break;
                }

                await Task.Delay(backoff, store.Time, ct);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, store.Options.WatchRetryMax.Ticks));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The reader stopped or the store was disposed.
        }
        catch (Exception e)
        {
            _channel.Writer.TryComplete(e);
            return;
        }

        _channel.Writer.TryComplete();
    }

    /// <summary>Maps an mvccpb.Event; Event is null when the key is outside the watch's prefix.</summary>
    private (long Revision, StoreEvent? Event) ToStoreEvent(JsonElement raw, string? etcdPrefix)
    {
        var kv = EtcdKeyValue.Parse(EtcdJson.Child(raw, "kv"));
        var key = etcdPrefix is not null && kv.Key.StartsWith(etcdPrefix, StringComparison.Ordinal)
            ? prefix + kv.Key[etcdPrefix.Length..]
            : store.Layout.FromEtcd(kv.Key);
        if (key is null || !key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (kv.ModRevision, null);
        }

        var deleted = raw.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "DELETE";
        if (deleted)
        {
            // The deletion carries only the key and revision; the last value comes from prev_kv (absent when that
            // revision was compacted, and then the event says only which key went).
            var previous = EtcdJson.Child(raw, "prev_kv");
            var last = previous.ValueKind == JsonValueKind.Object ? EtcdKeyValue.Parse(previous) : null;
            return (kv.ModRevision, new StoreEvent(StoreEventType.Deleted,
                new StoreEntry(key, last?.Value ?? [], last?.CreateRevision ?? 0, kv.ModRevision)));
        }

        var type2 = kv.CreateRevision == kv.ModRevision ? StoreEventType.Added : StoreEventType.Modified;
        return (kv.ModRevision, new StoreEvent(type2, new StoreEntry(key, kv.Value, kv.CreateRevision, kv.ModRevision)));
    }
}
