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
using Axolotl.Storage;

namespace Axolotl.ApiServer.Watch;

/// <summary>
/// ?watch=true: newline-delimited events, flushed one by one. resourceVersion "" or "0" starts with a
/// synthetic ADDED per current object (kubectl get NAME -w drops the first event and needs it);
/// a number starts after that revision. A selector turns modifications into ADDED/DELETED as
/// objects enter or leave it, as upstream's watch cache does.
/// </summary>
public sealed class WatchHandler(RestServices services, ReadHandler reader)
{
    private const long MaxTimerSeconds = uint.MaxValue / 1000 - 1;
    private static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(30);
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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

        var stream = new EventWriter(scope, table, reader);
        scope.Http.Response.StatusCode = 200;
        scope.Http.Response.ContentType = table ? "application/json;as=Table;v=v1;g=meta.k8s.io" : MediaTypes.Json;
        await scope.Http.Response.StartAsync(ct);

        var selecting = !labels.IsEmpty || !fields.IsEmpty;
        var inSelection = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            if (synthetic || selecting)
            {
                var list = await services.Objects.ListAsync(scope.Type, scope.Namespace, 0, null, ct);
                foreach (var entry in list.Items)
                {
                    var obj = ObjectStore.Decode(entry).Object;
                    if (ReadHandler.Matches(obj, labels, fields))
                    {
                        inSelection.Add(entry.Key);
                        if (synthetic)
                        {
                            await stream.WriteAsync("ADDED", KindViews.ToView(scope.Type, obj), ct);
                        }
                    }
                }
                if (synthetic)
                {
                    start = list.Revision;
                }
            }
            stream.LastRevision = start;
            if (sendInitialEvents == true && bookmarks)
            {
                await stream.BookmarkAsync(ct, initialEventsEnd: true);
            }
            await stream.FlushAsync(ct);

            using var bookmarkLoop = bookmarks ? StartBookmarks(stream, ct) : null;
            await foreach (var change in services.Objects.Store.WatchAsync(ObjectStore.Prefix(scope.Type, scope.Namespace), start, ct))
            {
                stream.LastRevision = change.Entry.ModRevision;
                var obj = ObjectStore.Decode(change.Entry).Object;
                var type = Classify(change, obj, labels, fields, selecting, inSelection);
                if (type is not null)
                {
                    await stream.WriteAsync(type, KindViews.ToView(scope.Type, obj), ct);
                    await stream.FlushAsync(ct);
                }
            }
        }
        catch (CompactedException e)
        {
            var status = ApiErrors.Gone(e.Message).Status;
            await stream.WriteAsync("ERROR", KubeJson.ToNode(status), CancellationToken.None, raw: true);
            await stream.FlushAsync(CancellationToken.None);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Client went away or timeoutSeconds passed: end the stream quietly.
        }
    }

    private static string? Classify(StoreEvent change, JsonObject obj, ParsedLabelSelector labels, FieldSelector fields, bool selecting, HashSet<string> inSelection)
    {
        if (!selecting)
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
            return was || ReadHandler.Matches(obj, labels, fields) ? "DELETED" : null;
        }
        var now = ReadHandler.Matches(obj, labels, fields);
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

    private IDisposable StartBookmarks(EventWriter stream, CancellationToken ct)
    {
        var timer = services.Clock.CreateTimer(_ => _ = stream.BookmarkAsync(ct), null, BookmarkInterval, BookmarkInterval);
        return timer;
    }

    /// <summary>Serialises writes from the event loop and the bookmark timer onto the response.</summary>
    private sealed class EventWriter(RequestScope scope, bool table, ReadHandler reader)
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        private bool _headersSent;

        public long LastRevision { get; set; }

        public async Task WriteAsync(string type, JsonObject obj, CancellationToken ct, bool raw = false)
        {
            JsonNode payload = obj;
            if (table && !raw)
            {
                var rv = ObjectMetaRules.Str(ObjectMetaRules.Meta(obj), "resourceVersion");
                payload = TableBuilder.Build(scope.Type, [obj], reader.TableOptionsFor(scope, rv, null, null, includeHeaders: !_headersSent));
                _headersSent = true;
            }
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("type", type);
                writer.WritePropertyName("object");
                payload.WriteTo(writer);
                writer.WriteEndObject();
            }
            buffer.Write("\n"u8);
            await _lock.WaitAsync(ct);
            try
            {
                await scope.Http.Response.Body.WriteAsync(buffer.WrittenMemory, ct);
            }
            finally
            {
                _lock.Release();
            }
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            await _lock.WaitAsync(ct);
            try
            {
                await scope.Http.Response.Body.FlushAsync(ct);
            }
            finally
            {
                _lock.Release();
            }
        }

        /// <param name="initialEventsEnd">The bookmark that closes sendInitialEvents' synthetic events, annotated as upstream does.</param>
        public async Task BookmarkAsync(CancellationToken ct, bool initialEventsEnd = false)
        {
            try
            {
                var metadata = new JsonObject { ["resourceVersion"] = Math.Max(LastRevision, 0).ToString(CultureInfo.InvariantCulture) };
                if (initialEventsEnd)
                {
                    metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
                }
                var bookmark = new JsonObject
                {
                    ["kind"] = scope.Type.Kind,
                    ["apiVersion"] = scope.Type.ApiVersion,
                    ["metadata"] = metadata,
                };
                await WriteAsync("BOOKMARK", bookmark, ct, raw: true);
                await FlushAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException)
            {
                // The watch ended while the timer fired.
            }
        }
    }
}
