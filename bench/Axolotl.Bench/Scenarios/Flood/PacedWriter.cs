using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;

namespace Axolotl.Bench.Scenarios.Flood;

/// <summary>
/// The other client: on its own connection, one mutating request every <c>interval</c>, alternately a ConfigMap
/// POST and a merge PATCH of one ConfigMap it owns. Each is sent on its tick even if the one before has not been
/// answered (open loop), so a slow answer delays no later sample and every latency is measured from its own send.
/// Anything but 201/200 counts as an error; 429s are counted apart (client-go would retry them).
/// </summary>
internal sealed class PacedWriter(ApiClient connection, string ns, string patchedName, TimeSpan interval)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue MergePatch = new("application/merge-patch+json");
    private long _sequence;

    public sealed record Result(LatencySamples Mutating, LatencySamples Posts, LatencySamples Patches, int Errors, int TooMany, string? FirstError);

    /// <summary>Writes for <paramref name="duration"/> and returns once every request sent has been answered.</summary>
    public async Task<Result> RunAsync(string label, TimeSpan duration, CancellationToken ct)
    {
        var mutating = new LatencySamples($"mutating (POST+PATCH), {label}");
        var posts = new LatencySamples($"ConfigMap POST, {label}");
        var patches = new LatencySamples($"ConfigMap merge PATCH, {label}");
        int errors = 0, tooMany = 0;
        string? firstError = null;
        var sent = new List<Task>();
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        using var timer = new PeriodicTimer(interval);
        do
        {
            var n = Interlocked.Increment(ref _sequence);
            sent.Add(Task.Run(async () =>
            {
                var isPost = n % 2 == 1;
                var start = Stopwatch.GetTimestamp();
                string? error = null;
                try
                {
                    using var request = isPost ? Post(n) : Patch(n);
                    using var response = await connection.ExchangeAsync(request, ct);
                    var stop = Stopwatch.GetTimestamp();
                    var status = (int)response.StatusCode;
                    if (status is 200 or 201)
                    {
                        mutating.Add(start, stop);
                        (isPost ? posts : patches).Add(start, stop);
                        return;
                    }
                    if (status == 429)
                    {
                        Interlocked.Increment(ref tooMany);
                    }
                    error = $"{request.Method} answered {status}: {await response.Content.ReadAsStringAsync(ct)}";
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    error = $"{(isPost ? "POST" : "PATCH")} failed: {e.Message}";
                }
                Interlocked.Increment(ref errors);
                Interlocked.CompareExchange(ref firstError, error, null);
            }, ct));
        }
        while (Stopwatch.GetTimestamp() < end && await timer.WaitForNextTickAsync(ct));
        await Task.WhenAll(sent);
        return new Result(mutating, posts, patches, errors, tooMany, firstError);
    }

    private HttpRequestMessage Post(long n) => new(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps")
    {
        Content = new ByteArrayContent(Encoding.UTF8.GetBytes($$$"""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"written-{{{n}}}"},"data":{"n":"{{{n}}}"}}
            """)) { Headers = { ContentType = Json } },
    };

    private HttpRequestMessage Patch(long n) => new(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/{patchedName}")
    {
        Content = new ByteArrayContent(Encoding.UTF8.GetBytes($$$"""{"data":{"n":"{{{n}}}"}}""")) { Headers = { ContentType = MergePatch } },
    };
}
