using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Selectors;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Printing;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Rest;
using Axolotl.ApiServer.Watch.Cache;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Watch;

/// <summary>
/// ?watch=true: newline-delimited events, flushed as they come. resourceVersion "" or "0" starts with a
/// synthetic ADDED per current object (kubectl get NAME -w drops the first event and needs it);
/// a number starts after that revision. A selector turns modifications into ADDED/DELETED as
/// objects enter or leave it, as upstream's watch cache does. Events come from the resource's
/// <see cref="WatchCache"/>, decoded and serialised once for every watcher; a start older than the
/// cache's window gets 410 Expired, as upstream's. Only resources without a cache (Events, kinds converted by a
/// webhook, --watch-cache=false) are followed from the store's history.
/// </summary>
public sealed class WatchHandler(RestServices services, ReadHandler reader, WatchCaches caches)
{
    private const long MaxTimerSeconds = uint.MaxValue / 1000 - 1;

    public async Task WatchAsync(RequestScope scope)
    {
        var labels = ReadHandler.ParseLabelSelector(scope.Query("labelSelector"));
        var fields = FieldLabels.Parse(scope.Type, scope.Query("fieldSelector"));
        // sendInitialEvents (the WatchList protocol): true starts with the current state, whatever the
        // resourceVersion, and marks its end with a bookmark; false never does; unset is the legacy rule.
        var sendInitialEvents = scope.Http.Request.Query.OptionalBool("sendInitialEvents");
        var version = ListResourceVersion.Parse(scope.Query("resourceVersion"), scope.Query("resourceVersionMatch"),
            !string.IsNullOrEmpty(scope.Query("continue")), watch: true, sendInitialEvents);
        var synthetic = sendInitialEvents ?? version.Any;
        if (version.Revision > long.MaxValue)
        {
            throw ApiErrors.BadRequest($"resourceVersion: Invalid value: \"{version.Revision}\": out of range");
        }
        long start = version.Revision is null && sendInitialEvents == false ? services.Objects.Store.CurrentRevision : (long)(version.Revision ?? 0);
        // A revision this server has not reached: wait briefly, then 504 as upstream's watch cache does.
        await version.WaitUntilFreshAsync(services.Objects.Store, services.Clock, scope.Aborted);
        var table = MediaTypes.WantsTable(scope.Http.Request.Headers.Accept);
        var bookmarks = scope.Bool("allowWatchBookmarks");

        using var timeout = TimeoutSource(scope);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(scope.Aborted, services.Stopping, timeout?.Token ?? CancellationToken.None);
        var ct = linked.Token;

        var stream = new WatchEventWriter(scope, table, reader);
        scope.Http.Response.StatusCode = 200;
        scope.Http.Response.ContentType = table ? "application/json;as=Table;v=v1;g=meta.k8s.io" : MediaTypes.Json;
        var selection = new Selection(labels, fields, StoredBytesPrefilter.For(scope.Type, fields));
        try
        {
            // Inside the try: a shutdown that lands here ends the stream quietly like any later one.
            await scope.Http.Response.StartAsync(ct);
            HashSet<string>? inSelection = null;
            if (synthetic)
            {
                (start, inSelection) = await SelectAsync(scope, selection, stream, ct);
            }
            stream.LastRevision = start;
            if (sendInitialEvents == true && bookmarks)
            {
                await stream.BookmarkAsync(ct, initialEventsEnd: true);
            }
            await stream.FlushAsync(ct);

            using var bookmarkLoop = bookmarks ? StartBookmarks(stream, ct) : null;
            var cache = ObjectViews.AsksWebhook(scope.Type) ? null : await caches.ForAsync(scope.Type, ct);
            if (cache is not null && !cache.Stopped)
            {
                // As kube-apiserver's cacher: a start the cache's window no longer covers gets the 410 that makes its
                // client relist (a page at a time), not a store watch of its own. That one read every object's row
                // before its first event and decoded every later event for one watcher; at 1,000 nodes the agents'
                // starts after a slow list fed each other until the server held 15-21 GB.
                var cursor = cache.Open(start, selection.Fields) ?? throw new CompactedException(start, cache.CoveredAfter);
                // While the reader waits with nothing new, bookmarks carry the cache's progress (a quiet resource's too).
                stream.Progress = () => cursor.CaughtUpTo;
                await FollowCacheAsync(scope, cache, cursor, start, selection, stream, ct);
            }
            else
            {
                inSelection ??= selection.Selecting ? (await SelectAsync(scope, selection, null, ct)).Selected : [];
                await FollowStoreAsync(scope, start, selection, inSelection, stream, ct);
            }
        }
        catch (CompactedException e)
        {
            var status = ApiErrors.Gone(e.Message).Status;
            await stream.WriteAsync("ERROR", KubeJson.ToNode(status), CancellationToken.None, raw: true);
            await stream.FlushAsync(CancellationToken.None);
        }
        catch (ApiException e) when (scope.Http.Response.HasStarted && !ct.IsCancellationRequested)
        {
            // An event that could not be converted (its CRD's conversion webhook failed) ends the watch with its
            // error, as upstream's watcher does; the client's reflector relists.
            await stream.WriteAsync("ERROR", KubeJson.ToNode(e.Status), CancellationToken.None, raw: true);
            await stream.FlushAsync(CancellationToken.None);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Client went away, timeoutSeconds passed or the server is stopping: end the stream quietly;
            // the client's reflector watches again (elsewhere, or here once restarted).
        }
    }

    /// <summary>
    /// Lists the current objects and keeps the keys in the selection, writing each as ADDED when
    /// <paramref name="stream"/> is given (synthetic initial events) or only noting it (where a store-served
    /// watch starts telling entries from exits). The store is read a page at a time at one revision and each object
    /// is written as it is found: every node's watch that starts from the store does this, and holding all of a
    /// resource's objects for each of them at once took a 100,000-pod server from 2 to 15 GB within a minute.
    /// </summary>
    private async Task<(long Revision, HashSet<string> Selected)> SelectAsync(RequestScope scope, Selection selection, WatchEventWriter? stream, CancellationToken ct)
    {
        var selected = new HashSet<string>(StringComparer.Ordinal);
        var first = await services.Objects.ListAsync(scope.Type, scope.Namespace, ObjectStore.ReadPage, null, ct);
        // One conversion request for the initial state, as a list's, when the kind asks a conversion webhook.
        var batched = stream is not null && ObjectViews.AsksWebhook(scope.Type) ? new List<JsonObject>() : null;
        await foreach (var entry in services.Objects.EntriesFromAsync(scope.Type, scope.Namespace, first, ct))
        {
            if (selection.Prefilter?.MayMatch(entry.Value.Span) == false)
            {
                continue;
            }
            var obj = ObjectStore.Decode(entry).Object;
            if (!selection.Matches(obj))
            {
                continue;
            }
            selected.Add(entry.Key);
            if (batched is not null)
            {
                batched.Add(obj);
            }
            else if (stream is not null)
            {
                await stream.WriteAsync("ADDED", await services.Views.ToViewAsync(scope.Type, obj, ct), ct);
            }
        }
        if (batched is not null)
        {
            foreach (var view in await services.Views.ToViewsAsync(scope.Type, batched, ct))
            {
                await stream!.WriteAsync("ADDED", view, ct);
            }
        }
        return (first.Revision, selected);
    }

    /// <summary>
    /// Reads the cache's ring from the cursor on, flushing once per batch. Each event names the type this
    /// watcher sees from the attributes the cache took once; the namespace is the key's.
    /// </summary>
    private static async Task FollowCacheAsync(RequestScope scope, WatchCache cache, WatchCursor cursor, long start, Selection selection,
        WatchEventWriter stream, CancellationToken ct)
    {
        var namespacePrefix = ObjectStore.Prefix(scope.Type, scope.Namespace);
        var batch = new List<CachedEvent>();
        while (true)
        {
            batch.Clear();
            switch (await cache.ReadAsync(cursor, batch, ct))
            {
                case CacheRead.Closed:
                    return;
                case CacheRead.Relisted:
                case CacheRead.FellBehind:
                    throw new CompactedException(stream.LastRevision, cache.CoveredAfter);
            }
            foreach (var e in batch)
            {
                // A cursor opened after a revision the cache had not reached yet skips up to it.
                if (e.Revision <= start)
                {
                    continue;
                }
                if (e.Key.StartsWith(namespacePrefix, StringComparison.Ordinal)
                    && e.TypeFor(selection.Labels, selection.Fields, selection.Selecting) is { } type)
                {
                    await stream.WriteSerialisedAsync(type, e.Json, ct);
                }
                // After the write: a bookmark never carries a revision whose event has not been sent.
                stream.LastRevision = e.Revision;
            }
            await stream.FlushAsync(ct);
        }
    }

    /// <summary>The store's own watch, decoding each event for this watcher: for resources the watch cache does not keep.</summary>
    private async Task FollowStoreAsync(RequestScope scope, long start, Selection selection, HashSet<string> inSelection,
        WatchEventWriter stream, CancellationToken ct)
    {
        await foreach (var change in services.Objects.Store.WatchAsync(ObjectStore.Prefix(scope.Type, scope.Namespace), start, ct))
        {
            // An object that cannot match now and was not in the selection before is no event for this watcher.
            if (selection.Prefilter?.MayMatch(change.Entry.Value.Span) == false && !inSelection.Contains(change.Entry.Key))
            {
                stream.LastRevision = change.Entry.ModRevision;
                continue;
            }
            var obj = ObjectStore.Decode(change.Entry).Object;
            var type = Classify(change, obj, selection, inSelection);
            if (type is not null)
            {
                await stream.WriteAsync(type, await services.Views.ToViewAsync(scope.Type, obj, ct), ct);
                await stream.FlushAsync(ct);
            }
            // After the write: a bookmark never carries a revision whose event has not been sent.
            stream.LastRevision = change.Entry.ModRevision;
        }
    }

    private static string? Classify(StoreEvent change, JsonObject obj, Selection selection, HashSet<string> inSelection)
    {
        if (!selection.Selecting)
        {
            return change.Type switch
            {
                StoreEventType.Added => "ADDED",
                StoreEventType.Modified => "MODIFIED",
                _ => "DELETED",
            };
        }
        var key = change.Entry.Key;
        var was = inSelection.Contains(key);
        if (change.Type == StoreEventType.Deleted)
        {
            inSelection.Remove(key);
            return was || selection.Matches(obj) ? "DELETED" : null;
        }
        var now = selection.Matches(obj);
        if (now)
        {
            inSelection.Add(key);
            return was && change.Type == StoreEventType.Modified ? "MODIFIED" : "ADDED";
        }
        if (was)
        {
            inSelection.Remove(key);
            return "DELETED";
        }
        return null;
    }

    private CancellationTokenSource? TimeoutSource(RequestScope scope)
    {
        var seconds = scope.Int64("timeoutSeconds") ?? 0;
        if (seconds < 0)
        {
            throw ApiErrors.BadRequest($"invalid timeoutSeconds: {seconds}");
        }
        var timeout = seconds > 0 ? TimeSpan.FromSeconds(Math.Min(seconds, MaxTimerSeconds + 1)) : DefaultTimeout();
        // A timer cannot wait longer than MaxTimerSeconds: a longer timeout is as good as none.
        return timeout <= TimeSpan.Zero || timeout.TotalSeconds > MaxTimerSeconds ? null : new CancellationTokenSource(timeout, services.Clock);
    }

    /// <summary>
    /// As kube-apiserver: a watch that names no timeout ends between --min-request-timeout and twice it, at
    /// random, so that the watches of many clients started together do not all reconnect together.
    /// </summary>
    private TimeSpan DefaultTimeout() =>
        services.MinRequestTimeout <= TimeSpan.Zero ? TimeSpan.Zero : services.MinRequestTimeout * (1 + services.Jitter());

    private IDisposable StartBookmarks(WatchEventWriter stream, CancellationToken ct)
    {
        var timer = services.Clock.CreateTimer(_ => _ = stream.BookmarkAsync(ct), null, caches.Options.BookmarkInterval, caches.Options.BookmarkInterval);
        return timer;
    }

    /// <param name="Prefilter">Skips, undecoded, the stored objects a node's pod selection cannot match.</param>
    private sealed record Selection(ParsedLabelSelector Labels, FieldSelector Fields, StoredBytesPrefilter? Prefilter)
    {
        public bool Selecting { get; } = !Labels.IsEmpty || !Fields.IsEmpty;

        public bool Matches(JsonObject obj) => ReadHandler.Matches(obj, Labels, Fields);
    }
}
