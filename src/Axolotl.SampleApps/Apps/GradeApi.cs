using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Axolotl.SampleApps.Common;
using Microsoft.AspNetCore.Http;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// Stand-in for rslim087/kubernetes-course-grade-submission-api:stateful (seed 000): a grade API
/// on :3000 that keeps every grade in memory. Its memory is native and touched, so a cgroup limit
/// ends in the kernel's OOM kill (137): a start-up reserve (plus a transient warm-up block), a
/// pool of request staging buffers that grows to the peak number of requests in flight, and a
/// native record per stored grade, so memory grows with the grades posted. The defaults are
/// measured against the seed's limits; the numbers are in README.md ("grade-api memory").
/// </summary>
public static class GradeApi
{
    private const int MiB = 1024 * 1024;

    public static async Task<int> RunAsync(AppArgs args)
    {
        var port = args.GetPort("port", 3000);
        var reserveMiB = args.GetInt("reserve-mib", 12);
        var warmupMiB = args.GetInt("warmup-mib", 36);
        var bufferKiB = args.GetInt("buffer-kib", 32);
        var gradeBytes = args.GetInt("grade-bytes", 320);
        var logEvery = args.GetInt("log-every", 1000);
        var persistDelay = args.GetDuration("persist-delay", TimeSpan.FromMilliseconds(50));

        // The warm-up block is the transient working set of filling the reserve, which is then held
        // for the process lifetime like a cache a service fills at start-up. A limit below runtime +
        // warm-up (35Mi) is OOM-killed here, before the port ever opens; in a container the runtime
        // is ~20 MiB plus ~6 MiB of kernel memory, so 48Mi survives the warm-up with a few MiB to spare,
        // and load fills the rest. (A 28 MiB warm-up and a 10 MiB reserve left too little: CI runs saw
        // the API OOM-killed at start, before any load.)
        Log.Line($"grade-api: reserving {reserveMiB} MiB (after {warmupMiB} MiB while warming up)");
        if (warmupMiB > 0)
        {
            NativeBlocks.Free(NativeBlocks.AllocTouched((nuint)warmupMiB * MiB));
        }
        var reserve = NativeBlocks.AllocTouched((nuint)reserveMiB * MiB);

        var store = new GradeStore(gradeBytes);
        var buffers = new BufferPool(bufferKiB * 1024);
        var count = 0;
        Log.Line($"grade-api: ready, holding {Held()} MiB");

        double Held() => reserveMiB + buffers.AllocatedBytes / (double)MiB + store.NativeBytes / (double)MiB;

        try
        {
            return await HttpApp.RunAsync(port, async context =>
            {
                var path = context.Request.Path.Value ?? "/";
                var method = context.Request.Method;
                if (path == "/healthz")
                {
                    await context.Response.WriteAsync("ok\n");
                }
                else if (path == "/grade" && HttpMethods.IsGet(method))
                {
                    context.Response.ContentType = "application/json";
                    await context.Response.Body.WriteAsync(store.ToJson());
                }
                else if (path == "/grade" && HttpMethods.IsPost(method))
                {
                    await PostAsync(context, store, buffers, persistDelay);
                    if (context.Response.StatusCode == StatusCodes.Status201Created
                        && Interlocked.Increment(ref count) % logEvery == 0)
                    {
                        Log.Line($"grade-api: {store.Count} grades stored, holding {Held():0.0} MiB native ({buffers.Count} request buffers), GC heap {GC.GetGCMemoryInfo().TotalCommittedBytes / (double)MiB:0.0} MiB committed");
                    }
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    await context.Response.WriteAsync($"Cannot {method} {path}\n");
                }
            });
        }
        finally
        {
            NativeBlocks.Free(reserve);
        }
    }

    private static async Task PostAsync(HttpContext context, GradeStore store, BufferPool buffers, TimeSpan persistDelay)
    {
        var buffer = buffers.Rent();
        try
        {
            var length = 0;
            while (length < buffers.BufferSize)
            {
                var read = await context.Request.Body.ReadAsync(buffer.AsMemory(length, buffers.BufferSize - length));
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length == buffers.BufferSize)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }

            // The original writes each grade through before answering; the wait keeps the staging
            // buffer busy as long, so concurrent clients need a buffer each.
            await Task.Delay(persistDelay, TimeProvider.System, context.RequestAborted);
            if (!Grade.TryParse(buffer.Span(length), out var grade, out var error))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(JsonText.Object(("error", error)));
                return;
            }

            var stored = store.Add(grade, buffer.Span(length));
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(stored.ToJson());
        }
        catch (OperationCanceledException)
        {
            // Client went away mid-request; nothing to answer.
        }
        finally
        {
            buffers.Return(buffer);
        }
    }

    /// <summary>A grade as the API stores it.</summary>
    internal sealed record Grade(long Id, string Name, string Subject, double Score)
    {
        public static bool TryParse(ReadOnlySpan<byte> json, out Grade grade, out string error)
        {
            grade = new Grade(0, "", "", 0);
            try
            {
                var reader = new Utf8JsonReader(json);
                using var doc = JsonDocument.ParseValue(ref reader);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object
                    || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                    || !root.TryGetProperty("subject", out var subject) || subject.ValueKind != JsonValueKind.String
                    || !root.TryGetProperty("score", out var score))
                {
                    error = "name, subject and score are required";
                    return false;
                }

                double value;
                if (score.ValueKind == JsonValueKind.Number)
                {
                    value = score.GetDouble();
                }
                else if (score.ValueKind != JsonValueKind.String
                    || !double.TryParse(score.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                {
                    error = "score must be a number";
                    return false;
                }

                grade = new Grade(0, name.GetString()!, subject.GetString()!, value);
                error = "";
                return true;
            }
            catch (JsonException e)
            {
                error = "invalid JSON: " + e.Message;
                return false;
            }
        }

        public byte[] ToJson() => JsonText.Write(Write);

        public void Write(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", Id);
            writer.WriteString("name", Name);
            writer.WriteString("subject", Subject);
            writer.WriteNumber("score", Score);
            writer.WriteEndObject();
        }
    }

    /// <summary>Every grade ever posted, plus a native copy of each request (its audit record).</summary>
    private sealed class GradeStore(int recordBytes)
    {
        private const int SlabBytes = MiB;
        private readonly Lock _gate = new();
        private readonly List<Grade> _grades = [];
        private readonly List<nint> _slabs = [];
        private int _slabUsed = SlabBytes;

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _grades.Count;
                }
            }
        }

        public long NativeBytes
        {
            get
            {
                lock (_gate)
                {
                    return (long)_slabs.Count * SlabBytes;
                }
            }
        }

        public Grade Add(Grade grade, ReadOnlySpan<byte> request)
        {
            lock (_gate)
            {
                if (recordBytes > 0)
                {
                    if (_slabUsed + recordBytes > SlabBytes)
                    {
                        _slabs.Add(NativeBlocks.AllocTouched(SlabBytes));
                        _slabUsed = 0;
                    }

                    var record = NativeBlocks.Span(_slabs[^1] + _slabUsed, recordBytes);
                    record.Clear();
                    request[..Math.Min(request.Length, recordBytes)].CopyTo(record);
                    _slabUsed += recordBytes;
                }

                var stored = grade with { Id = _grades.Count + 1 };
                _grades.Add(stored);
                return stored;
            }
        }

        public byte[] ToJson()
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartArray();
                lock (_gate)
                {
                    foreach (var g in _grades)
                    {
                        g.Write(writer);
                    }
                }

                writer.WriteEndArray();
            }

            return stream.ToArray();
        }
    }

    /// <summary>A native staging buffer of fixed size.</summary>
    private readonly struct NativeBuffer(nint address, int size)
    {
        public nint Address { get; } = address;

        public Span<byte> Span(int length) => NativeBlocks.Span(Address, Math.Min(length, size));

        public Memory<byte> AsMemory(int start, int length) => NativeBlocks.Memory(Address, size).Slice(start, length);
    }

    /// <summary>Staging buffers, reused and never freed: the pool's size is the peak concurrency seen.</summary>
    private sealed class BufferPool(int bufferSize)
    {
        private readonly ConcurrentBag<nint> _free = [];
        private int _count;

        public int BufferSize { get; } = bufferSize;

        public int Count => Volatile.Read(ref _count);

        public long AllocatedBytes => (long)Count * BufferSize;

        public NativeBuffer Rent()
        {
            if (_free.TryTake(out var address))
            {
                return new NativeBuffer(address, BufferSize);
            }

            var fresh = NativeBlocks.AllocTouched((nuint)BufferSize);
            Interlocked.Increment(ref _count);
            return new NativeBuffer(fresh, BufferSize);
        }

        public void Return(NativeBuffer buffer) => _free.Add(buffer.Address);
    }
}
