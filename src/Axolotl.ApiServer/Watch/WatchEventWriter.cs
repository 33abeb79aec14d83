using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Printing;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Rest;

namespace Axolotl.ApiServer.Watch;

/// <summary>
/// Serialises writes from the event loop and the bookmark timer onto the response. The callers' token
/// (timeout, server stopping, client gone) only bounds the wait for the lock; the write itself is
/// cancelled only when the client has gone, because Kestrel resets the stream (HTTP/2 INTERNAL_ERROR,
/// HTTP/1.1 an aborted connection) when a token fires mid-write, and a watch that times out must end as
/// a clean end of stream that the client's reflector treats as normal.
/// </summary>
internal sealed class WatchEventWriter(RequestScope scope, bool table, ReadHandler reader)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly byte[] AddedHead = """{"type":"ADDED","object":"""u8.ToArray();
    private static readonly byte[] ModifiedHead = """{"type":"MODIFIED","object":"""u8.ToArray();
    private static readonly byte[] DeletedHead = """{"type":"DELETED","object":"""u8.ToArray();
    private readonly SemaphoreSlim _lock = new(1, 1);
    private bool _headersSent;

    private long _lastRevision;

    /// <summary>The revision of the last event this watcher was sent or passed over (set after the write).</summary>
    public long LastRevision
    {
        get => Volatile.Read(ref _lastRevision);
        set => Volatile.Write(ref _lastRevision, value);
    }

    /// <summary>A newer revision every event up to which this watcher has handled, when its source can tell (the watch cache).</summary>
    public Func<long>? Progress { get; set; }

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
            await scope.Http.Response.Body.WriteAsync(buffer.WrittenMemory, scope.Aborted);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Writes an event whose object the watch cache serialised once for every watcher: only the envelope
    /// is this watcher's (a Table watcher still builds its row from the object).
    /// </summary>
    public async Task WriteSerialisedAsync(string type, byte[] objectJson, CancellationToken ct)
    {
        if (table)
        {
            await WriteAsync(type, (JsonObject)JsonNode.Parse(objectJson)!, ct);
            return;
        }
        var head = type switch
        {
            "ADDED" => AddedHead,
            "MODIFIED" => ModifiedHead,
            "DELETED" => DeletedHead,
            _ => Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":"),
        };
        var length = head.Length + objectJson.Length + 2;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            head.CopyTo(buffer, 0);
            objectJson.CopyTo(buffer, head.Length);
            buffer[length - 2] = (byte)'}';
            buffer[length - 1] = (byte)'\n';
            await _lock.WaitAsync(ct);
            try
            {
                await scope.Http.Response.Body.WriteAsync(buffer.AsMemory(0, length), scope.Aborted);
            }
            finally
            {
                _lock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            await scope.Http.Response.Body.FlushAsync(scope.Aborted);
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
            var revision = Math.Max(Math.Max(LastRevision, Progress?.Invoke() ?? 0), 0);
            var metadata = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) };
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
