using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Axolotl.ApiServer.Tests.Http;

/// <summary>
/// A list is written one item at a time, held back by a reader that does not read (so its memory does not grow with
/// its length), and its bytes are those of the same list written whole, compact and with <c>?pretty=true</c>.
/// </summary>
public sealed class StreamedListWriterTests
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task A_reader_that_does_not_read_holds_the_writer_back_before_the_list_is_made()
    {
        const int total = 1_000;
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false));
        var ctx = Context(pipe.Writer, pretty: false);
        var made = 0;
        var writing = StreamedListWriter.WriteAsync(ctx, "ConfigMapList", "v1", new JsonObject { ["resourceVersion"] = "7" }, Items(total, () => made++));

        // Unread, the connection takes 256 kB (about 25 items of 10 kB); written whole, all 1,000 would be made at once.
        await Task.WhenAny(writing, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.False(writing.IsCompleted, $"the whole list was written into an unread connection ({made} items made)");
        Assert.InRange(Volatile.Read(ref made), 1, total / 4);

        var body = await ReadAllAsync(pipe, writing);
        var list = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(total, list["items"]!.AsArray().Count);
        Assert.Equal(total, made);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_bytes_are_those_of_the_list_written_whole(bool pretty)
    {
        var pipe = new Pipe();
        var meta = new JsonObject { ["resourceVersion"] = "42", ["continue"] = "abc", ["remainingItemCount"] = 3 };
        var writing = StreamedListWriter.WriteAsync(Context(pipe.Writer, pretty), "ConfigMapList", "v1", meta.DeepClone().AsObject(), Items(40, () => { }));
        var streamed = await ReadAllAsync(pipe, writing);

        var whole = new JsonObject
        {
            ["kind"] = "ConfigMapList",
            ["apiVersion"] = "v1",
            ["metadata"] = meta,
            ["items"] = new JsonArray([.. Enumerable.Range(0, 40).Select(Item)]),
        };
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer, Compact with { Indented = pretty }))
        {
            whole.WriteTo(writer);
        }
        buffer.Write("\n"u8);
        Assert.Equal(Encoding.UTF8.GetString(buffer.ToArray()), Encoding.UTF8.GetString(streamed));
    }

    [Fact]
    public async Task An_empty_list_has_an_empty_items_array()
    {
        var pipe = new Pipe();
        var writing = StreamedListWriter.WriteAsync(Context(pipe.Writer, pretty: false), "PodList", "v1", new JsonObject { ["resourceVersion"] = "1" }, Items(0, () => { }));
        Assert.Equal("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}\n",
            Encoding.UTF8.GetString(await ReadAllAsync(pipe, writing)));
    }

    private static async IAsyncEnumerable<JsonObject> Items(int count, Action made)
    {
        for (var i = 0; i < count; i++)
        {
            made();
            yield return Item(i);
            await Task.Yield();
        }
    }

    private static JsonObject Item(int i) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = $"cm-{i}", ["namespace"] = "default" },
        ["data"] = new JsonObject { ["blob"] = new string((char)('a' + (i % 26)), 10_000), ["quote"] = "<\"é\">" },
    };

    private static DefaultHttpContext Context(PipeWriter body, bool pretty)
    {
        var ctx = new DefaultHttpContext();
        ctx.Features.Set<IHttpResponseBodyFeature>(new PipeBody(body));
        if (pretty)
        {
            ctx.Request.QueryString = new QueryString("?pretty=true");
        }
        return ctx;
    }

    /// <summary>Reads the body until the writer is done, then completes the "connection".</summary>
    private static async Task<byte[]> ReadAllAsync(Pipe pipe, Task writing)
    {
        var reading = Task.Run(async () =>
        {
            using var all = new MemoryStream();
            await pipe.Reader.CopyToAsync(all);
            return all.ToArray();
        });
        await writing;
        await pipe.Writer.CompleteAsync();
        return await reading;
    }

    /// <summary>The response body as a pipe the test reads, so that it decides when the "connection" takes bytes.</summary>
    private sealed class PipeBody(PipeWriter writer) : IHttpResponseBodyFeature
    {
        public Stream Stream => writer.AsStream();

        public PipeWriter Writer => writer;

        public void DisableBuffering()
        {
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task CompleteAsync() => writer.CompleteAsync().AsTask();
    }
}
