using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.CustomResources;

/// <summary>
/// A watch on any collection (built-in or custom) that stamps each object's ADDED event the moment its line
/// arrives; callers await an object's stamp whether it came before or after they started waiting. A broken
/// watch fails every wait instead of letting them time out.
/// </summary>
internal sealed class AddedEventWatch : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _added = new();
    private readonly WatchEventReader _events;
    private Exception? _failure;

    private AddedEventWatch(ApiClient api) => _events = new WatchEventReader(api);

    /// <summary>Lists <paramref name="collectionPath"/> for its resourceVersion and watches from there.</summary>
    public static async Task<AddedEventWatch> OpenAsync(Kubeconfig config, bool http2, string collectionPath, CancellationToken ct)
    {
        var watch = new AddedEventWatch(ApiClient.ForStreaming(config, http2));
        try
        {
            string resourceVersion;
            using (var list = JsonDocument.Parse(await watch._events.Api.GetAsync(collectionPath, ct)))
            {
                resourceVersion = list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "0";
            }
            await watch._events.StartAsync($"{collectionPath}?watch=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}",
                Stopwatch.GetTimestamp, watch.OnEvent, watch.Fail, ct);
            return watch;
        }
        catch
        {
            await watch.DisposeAsync();
            throw;
        }
    }

    /// <summary>The Stopwatch timestamp at which <paramref name="name"/>'s ADDED event arrived.</summary>
    public Task<long> AddedAsync(string name) => Slot(name).Task;

    private TaskCompletionSource<long> Slot(string name)
    {
        var slot = _added.GetOrAdd(name, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Volatile.Read(ref _failure) is { } failure)
        {
            slot.TrySetException(failure);
        }
        return slot;
    }

    private void OnEvent(long arrived, string type, JsonElement item)
    {
        if (type == "ADDED" && item.GetProperty("metadata").GetProperty("name").GetString() is { } name)
        {
            Slot(name).TrySetResult(arrived);
        }
    }

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
