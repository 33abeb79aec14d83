using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// A watch on the pods of one namespace. A reader task stamps every event line with a Stopwatch
/// timestamp the moment it arrives, before parsing; callers await the arrival time of the first event
/// for a given pod name that matches the watch's condition (an ADDED event, or the pod Running with
/// every container running), whether it came before or after they started waiting.
/// </summary>
internal sealed class WatchStream : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _added = new();
    private readonly Func<string, JsonElement, bool> _matches;
    private readonly WatchEventReader _events;
    private Exception? _failure;

    private WatchStream(ApiClient api, Func<string, JsonElement, bool> matches)
    {
        _events = new WatchEventReader(api);
        _matches = matches;
    }

    /// <summary>Stamps each pod's ADDED event, watching from <paramref name="resourceVersion"/>.</summary>
    public static Task<WatchStream> OpenAsync(Kubeconfig config, bool http2, string ns, string resourceVersion, CancellationToken ct) =>
        OpenAsync(config, http2, ns, resourceVersion, (type, _) => type == "ADDED", ct);

    /// <summary>Stamps the first event showing each pod Running with every container running (what `kubectl get` shows as Running n/n), watching from now.</summary>
    public static async Task<WatchStream> OpenRunningAsync(Kubeconfig config, bool http2, string ns, CancellationToken ct)
    {
        using var api = ApiClient.ForStreaming(config, http2);
        using var doc = JsonDocument.Parse(await api.GetAsync($"/api/v1/namespaces/{ns}/pods", ct));
        var resourceVersion = doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "0";
        return await OpenAsync(config, http2, ns, resourceVersion, (type, pod) => type is "ADDED" or "MODIFIED" && IsRunning(pod), ct);
    }

    private static async Task<WatchStream> OpenAsync(Kubeconfig config, bool http2, string ns, string resourceVersion, Func<string, JsonElement, bool> matches, CancellationToken ct)
    {
        var watch = new WatchStream(ApiClient.ForStreaming(config, http2), matches);
        var path = $"/api/v1/namespaces/{ns}/pods?watch=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}";
        await watch._events.StartAsync(path, Stopwatch.GetTimestamp, watch.OnEvent, watch.Fail, ct);
        return watch;
    }

    /// <summary>The Stopwatch timestamp at which the first matching event for <paramref name="name"/> arrived.</summary>
    public Task<long> MatchedAsync(string name) => Slot(name).Task;

    private TaskCompletionSource<long> Slot(string name)
    {
        var slot = _added.GetOrAdd(name, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Volatile.Read(ref _failure) is { } failure)
        {
            slot.TrySetException(failure);
        }
        return slot;
    }

    private void OnEvent(long arrived, string type, JsonElement pod)
    {
        if (_matches(type, pod) && pod.GetProperty("metadata").GetProperty("name").GetString() is { } name)
        {
            Slot(name).TrySetResult(arrived);
        }
    }

    private static bool IsRunning(JsonElement pod)
    {
        if (!pod.TryGetProperty("status", out var status) || !status.TryGetProperty("phase", out var phase) || phase.GetString() != "Running"
            || !status.TryGetProperty("containerStatuses", out var containers) || containers.GetArrayLength() == 0)
        {
            return false;
        }
        return containers.EnumerateArray().All(c => c.TryGetProperty("state", out var state) && state.TryGetProperty("running", out _));
    }

    /// <summary>Fails every pending and future wait, so a broken watch surfaces instead of timing out silently.</summary>
    private void Fail(Exception error)
    {
        Volatile.Write(ref _failure, error);
        foreach (var slot in _added.Values)
        {
            slot.TrySetException(error);
        }
    }

    public ValueTask DisposeAsync() => _events.DisposeAsync();
}
