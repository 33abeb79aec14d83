using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// A watch on the pods of one namespace. A reader task stamps every event line with a Stopwatch
/// timestamp the moment it arrives, before parsing; callers await the arrival time of the ADDED event
/// for a given pod name, whether it came before or after they started waiting.
/// </summary>
internal sealed class WatchStream : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _added = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ApiClient _api;
    private HttpResponseMessage? _response;
    private Task? _reader;
    private Exception? _failure;

    private WatchStream(ApiClient api) => _api = api;

    public static async Task<WatchStream> OpenAsync(Kubeconfig config, bool http2, string ns, string resourceVersion, CancellationToken ct)
    {
        var watch = new WatchStream(ApiClient.ForStreaming(config, http2));
        var path = $"/api/v1/namespaces/{ns}/pods?watch=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}";
        watch._response = await watch._api.OpenStreamAsync(path, ct);
        var stream = await watch._response.Content.ReadAsStreamAsync(ct);
        watch._reader = Task.Run(() => watch.ReadAsync(stream, watch._stop.Token), CancellationToken.None);
        return watch;
    }

    /// <summary>The Stopwatch timestamp at which the ADDED event for <paramref name="name"/> arrived.</summary>
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

    private async Task ReadAsync(Stream stream, CancellationToken ct)
    {
        using var reader = new StreamReader(stream);
        try
        {
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var arrived = Stopwatch.GetTimestamp();
                if (line.Length == 0)
                {
                    continue;
                }
                using var doc = JsonDocument.Parse(line);
                var type = doc.RootElement.GetProperty("type").GetString();
                if (type == "ERROR")
                {
                    Fail(new InvalidOperationException($"the watch ended with an ERROR event: {line}"));
                    return;
                }
                if (type == "ADDED" && doc.RootElement.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString() is { } name)
                {
                    Slot(name).TrySetResult(arrived);
                }
            }
            Fail(new InvalidOperationException("the server closed the watch"));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception e) when (e is IOException or HttpRequestException or JsonException)
        {
            Fail(e);
        }
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response?.Dispose();
        if (_reader is not null)
        {
            try
            {
                await _reader;
            }
            catch (ObjectDisposedException)
            {
                // The response went away under the reader.
            }
        }
        _api.Dispose();
        _stop.Dispose();
    }
}
