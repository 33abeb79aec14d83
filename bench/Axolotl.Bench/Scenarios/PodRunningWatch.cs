using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// A watch on the pods of one namespace that stamps, with a Stopwatch timestamp taken as the line
/// arrives, the first event in which a pod is Running with every container in state running (what
/// `kubectl get` shows as Running n/n). Waiting for a pod that already got there returns at once.
/// </summary>
internal sealed class PodRunningWatch : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _running = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ApiClient _api;
    private HttpResponseMessage? _response;
    private Task? _reader;
    private Exception? _failure;

    private PodRunningWatch(ApiClient api) => _api = api;

    public static async Task<PodRunningWatch> OpenAsync(Kubeconfig config, bool http2, string ns, CancellationToken ct)
    {
        var watch = new PodRunningWatch(ApiClient.ForStreaming(config, http2));
        // From "now": the list's resourceVersion, so no pod created afterwards can be missed.
        var list = await watch._api.GetAsync($"/api/v1/namespaces/{ns}/pods", ct);
        string resourceVersion;
        using (var doc = JsonDocument.Parse(list))
        {
            resourceVersion = doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "0";
        }
        watch._response = await watch._api.OpenStreamAsync($"/api/v1/namespaces/{ns}/pods?watch=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}", ct);
        var stream = await watch._response.Content.ReadAsStreamAsync(ct);
        watch._reader = Task.Run(() => watch.ReadAsync(stream, watch._stop.Token), CancellationToken.None);
        return watch;
    }

    /// <summary>The Stopwatch timestamp of the first event showing <paramref name="name"/> Running with all containers running.</summary>
    public Task<long> RunningAsync(string name) => Slot(name).Task;

    public int RunningCount => _running.Values.Count(s => s.Task.IsCompletedSuccessfully);

    private TaskCompletionSource<long> Slot(string name)
    {
        var slot = _running.GetOrAdd(name, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
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
                var pod = doc.RootElement.GetProperty("object");
                if (type is "ADDED" or "MODIFIED" && IsRunning(pod) && pod.GetProperty("metadata").GetProperty("name").GetString() is { } name)
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

    private static bool IsRunning(JsonElement pod)
    {
        if (!pod.TryGetProperty("status", out var status) || !status.TryGetProperty("phase", out var phase) || phase.GetString() != "Running"
            || !status.TryGetProperty("containerStatuses", out var containers) || containers.GetArrayLength() == 0)
        {
            return false;
        }
        return containers.EnumerateArray().All(c => c.TryGetProperty("state", out var state) && state.TryGetProperty("running", out _));
    }

    private void Fail(Exception error)
    {
        Volatile.Write(ref _failure, error);
        foreach (var slot in _running.Values)
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
