using System.Diagnostics;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Probes;

/// <summary>When a watch event showing a pod's Ready condition arrived, on both clocks the benchmark compares with.</summary>
internal readonly record struct ReadySeen(long StopwatchTimestamp, long UnixMicros);

/// <summary>
/// A watch on the pods of one namespace that follows each pod's <c>Ready</c> condition (missing counts
/// as False). Every event line is stamped (Stopwatch and realtime) the moment it has arrived, before it
/// is parsed. Callers wait for a pod's Ready to read a given value: at once if the last event already
/// showed it, else on the first event that does. <see cref="WatchStream"/> only keeps the first match
/// per pod; this one keeps following, so the same pod can flip back and forth.
/// </summary>
internal sealed class PodReadyWatch : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (bool Ready, ReadySeen Since)> _current = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (bool Want, TaskCompletionSource<ReadySeen> Done)> _waiters = new(StringComparer.Ordinal);
    private readonly WatchEventReader _events;
    private Exception? _failure;

    private PodReadyWatch(ApiClient api) => _events = new WatchEventReader(api);

    /// <summary>Watches <paramref name="ns"/> from now (the resourceVersion of a list taken first).</summary>
    public static async Task<PodReadyWatch> OpenAsync(Kubeconfig config, bool http2, string ns, CancellationToken ct)
    {
        string resourceVersion;
        using (var list = new ApiClient(config, http2))
        {
            using var doc = JsonDocument.Parse(await list.GetAsync($"/api/v1/namespaces/{ns}/pods", ct));
            resourceVersion = doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "0";
        }
        var watch = new PodReadyWatch(ApiClient.ForStreaming(config, http2));
        try
        {
            await watch._events.StartAsync($"/api/v1/namespaces/{ns}/pods?watch=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}",
                () => new ReadySeen(Stopwatch.GetTimestamp(), Stamps.UnixMicrosNow()), watch.OnEvent, watch.Fail, ct);
            return watch;
        }
        catch
        {
            await watch.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the last event for <paramref name="pod"/> showed; null before any event.</summary>
    public bool? Current(string pod)
    {
        lock (_lock)
        {
            return _current.TryGetValue(pod, out var state) ? state.Ready : null;
        }
    }

    /// <summary>
    /// Completes with the arrival of the event that showed <paramref name="pod"/>'s Ready as <paramref name="ready"/>:
    /// the last one seen if it already does, else the next one that does. One waiter per pod at a time.
    /// </summary>
    public Task<ReadySeen> UntilAsync(string pod, bool ready)
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                return Task.FromException<ReadySeen>(_failure);
            }
            if (_current.TryGetValue(pod, out var state) && state.Ready == ready)
            {
                return Task.FromResult(state.Since);
            }
            var done = new TaskCompletionSource<ReadySeen>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters[pod] = (ready, done);
            return done.Task;
        }
    }

    private void OnEvent(ReadySeen arrived, string type, JsonElement pod)
    {
        if (type is "ADDED" or "MODIFIED" or "DELETED")
        {
            var name = pod.GetProperty("metadata").GetProperty("name").GetString() ?? "";
            Observe(name, type != "DELETED" && IsReady(pod), arrived);
        }
    }

    private void Observe(string pod, bool ready, ReadySeen arrived)
    {
        TaskCompletionSource<ReadySeen>? done = null;
        lock (_lock)
        {
            if (!_current.TryGetValue(pod, out var state) || state.Ready != ready)
            {
                _current[pod] = (ready, arrived);
            }
            if (_waiters.TryGetValue(pod, out var waiter) && waiter.Want == ready)
            {
                _waiters.Remove(pod);
                done = waiter.Done;
            }
        }
        done?.TrySetResult(arrived);
    }

    private static bool IsReady(JsonElement pod) =>
        pod.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions)
        && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");

    /// <summary>Fails every pending and future wait, so a broken watch surfaces instead of timing out silently.</summary>
    private void Fail(Exception error)
    {
        List<TaskCompletionSource<ReadySeen>> pending;
        lock (_lock)
        {
            _failure = error;
            pending = [.. _waiters.Values.Select(w => w.Done)];
            _waiters.Clear();
        }
        foreach (var done in pending)
        {
            done.TrySetException(error);
        }
    }

    public ValueTask DisposeAsync() => _events.DisposeAsync();
}
