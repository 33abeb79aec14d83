using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Scale;

/// <summary>
/// One watch over the pods of every namespace (as a scale test's observer would hold), started from a
/// list's resourceVersion. Each line is stamped with a Stopwatch timestamp as it arrives, before it is
/// parsed; callers await the arrival of the first event showing a pod ("ns/name") Running with every
/// container running, whether it came before or after they asked.
/// </summary>
internal sealed class ClusterPodWatch : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _bound = new(StringComparer.Ordinal);
    private readonly WatchEventReader _events;
    private Exception? _failure;
    private int _boundCount;
    private int _runningCount;

    private ClusterPodWatch(ApiClient api) => _events = new WatchEventReader(api);

    public static async Task<ClusterPodWatch> OpenAsync(Kubeconfig config, bool http2, CancellationToken ct)
    {
        var watch = new ClusterPodWatch(ApiClient.ForStreaming(config, http2));
        try
        {
            using var list = JsonDocument.Parse(await watch._events.Api.GetAsync("/api/v1/pods", ct));
            var resourceVersion = list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "0";
            await watch._events.StartAsync($"/api/v1/pods?watch=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}",
                Stopwatch.GetTimestamp, watch.OnEvent, watch.Fail, ct);
            return watch;
        }
        catch
        {
            await watch.DisposeAsync();
            throw;
        }
    }

    /// <summary>Pods seen bound to a node so far (for progress lines).</summary>
    public int BoundCount => Volatile.Read(ref _boundCount);

    /// <summary>Pods seen Running so far.</summary>
    public int RunningCount => Volatile.Read(ref _runningCount);

    /// <summary>The Stopwatch timestamp at which the first event showing <paramref name="ns"/>/<paramref name="name"/> Running arrived.</summary>
    public Task<long> RunningAsync(string ns, string name) => Slot(_running, ns + "/" + name).Task;

    /// <summary>The Stopwatch timestamp at which the first event showing the pod bound to a node (spec.nodeName) arrived.</summary>
    public Task<long> BoundAsync(string ns, string name) => Slot(_bound, ns + "/" + name).Task;

    private TaskCompletionSource<long> Slot(ConcurrentDictionary<string, TaskCompletionSource<long>> slots, string key)
    {
        var slot = slots.GetOrAdd(key, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Volatile.Read(ref _failure) is { } failure)
        {
            slot.TrySetException(failure);
        }
        return slot;
    }

    private void OnEvent(long arrived, string type, JsonElement pod)
    {
        if (type is not ("ADDED" or "MODIFIED"))
        {
            return;
        }
        var meta = pod.GetProperty("metadata");
        var key = meta.GetProperty("namespace").GetString() + "/" + meta.GetProperty("name").GetString();
        if (pod.TryGetProperty("spec", out var spec) && spec.TryGetProperty("nodeName", out var node) && node.GetString() is { Length: > 0 })
        {
            if (Slot(_bound, key).TrySetResult(arrived))
            {
                Interlocked.Increment(ref _boundCount);
            }
        }
        if (IsRunning(pod))
        {
            if (Slot(_running, key).TrySetResult(arrived))
            {
                Interlocked.Increment(ref _runningCount);
            }
        }
    }

    /// <summary>Phase Running and every container running: what `kubectl get` shows as Running n/n.</summary>
    private static bool IsRunning(JsonElement pod) =>
        pod.TryGetProperty("status", out var status)
        && status.TryGetProperty("phase", out var phase) && phase.GetString() == "Running"
        && status.TryGetProperty("containerStatuses", out var containers) && containers.GetArrayLength() > 0
        && containers.EnumerateArray().All(c => c.TryGetProperty("state", out var state) && state.TryGetProperty("running", out _));

    /// <summary>Fails every pending and future wait, so a broken watch surfaces instead of timing out silently.</summary>
    private void Fail(Exception error)
    {
        Volatile.Write(ref _failure, error);
        foreach (var slot in _running.Values.Concat(_bound.Values))
        {
            slot.TrySetException(error);
        }
    }

    public ValueTask DisposeAsync() => _events.DisposeAsync();
}
