using System.Diagnostics;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Workloads;

/// <summary>What the workload scenarios need to know of one pod, as the latest watch event showed it.</summary>
internal sealed record PodState(string Name, string? App, string? NodeName, string? Image, bool Running, bool Ready, bool Terminating, bool ControllerOwned);

/// <summary>
/// A watch on every pod of a namespace that keeps the current set (ADDED/MODIFIED replace, DELETED
/// removes). Callers wait for a condition over the whole set and get the Stopwatch timestamp at which
/// the event that made it true arrived (stamped before parsing), or the time of the call if it
/// already held. Waiters are checked after every event, so no intermediate state is missed.
/// </summary>
internal sealed class PodSetWatch : IAsyncDisposable
{
    private readonly Dictionary<string, PodState> _pods = new(StringComparer.Ordinal);
    private readonly List<(Func<IReadOnlyCollection<PodState>, bool> Condition, TaskCompletionSource<long> Done)> _waiters = [];
    private readonly WatchEventReader _events;
    private Exception? _failure;

    private PodSetWatch(ApiClient api) => _events = new WatchEventReader(api);

    /// <summary>Lists the namespace's pods, then watches from the list's resourceVersion.</summary>
    public static async Task<PodSetWatch> OpenAsync(Kubeconfig config, bool http2, string ns, CancellationToken ct)
    {
        var watch = new PodSetWatch(ApiClient.ForStreaming(config, http2));
        try
        {
            using var list = JsonDocument.Parse(await watch._events.Api.GetAsync($"/api/v1/namespaces/{ns}/pods", ct));
            foreach (var pod in list.RootElement.GetProperty("items").EnumerateArray())
            {
                var state = Parse(pod);
                watch._pods[state.Name] = state;
            }
            var resourceVersion = list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "0";
            await watch._events.StartAsync($"/api/v1/namespaces/{ns}/pods?watch=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}",
                Stopwatch.GetTimestamp, watch.OnEvent, watch.Fail, ct);
            return watch;
        }
        catch
        {
            await watch.DisposeAsync();
            throw;
        }
    }

    /// <summary>A copy of the current set.</summary>
    public IReadOnlyList<PodState> Snapshot()
    {
        lock (_pods)
        {
            return [.. _pods.Values];
        }
    }

    /// <summary>The arrival time of the event after which <paramref name="condition"/> first held; throws on timeout.</summary>
    public async Task<long> WaitAsync(Func<IReadOnlyCollection<PodState>, bool> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pods)
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException($"the pod watch failed: {_failure.Message}", _failure);
            }
            if (condition(_pods.Values))
            {
                return Stopwatch.GetTimestamp();
            }
            _waiters.Add((condition, done));
        }
        try
        {
            return await done.Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            var pods = string.Join(", ", Snapshot().Select(p => $"{p.Name}@{p.NodeName}{(p.Running ? " running" : "")}{(p.Ready ? " ready" : "")}{(p.Terminating ? " terminating" : "")}"));
            throw new TimeoutException($"{what}: not seen within {timeout.TotalSeconds:F0} s; pods: {pods}");
        }
        finally
        {
            lock (_pods)
            {
                _waiters.RemoveAll(w => w.Done == done);
            }
        }
    }

    private void OnEvent(long arrived, string type, JsonElement obj)
    {
        if (type is not ("ADDED" or "MODIFIED" or "DELETED"))
        {
            return;
        }
        var pod = Parse(obj);
        lock (_pods)
        {
            if (type == "DELETED")
            {
                _pods.Remove(pod.Name);
            }
            else
            {
                _pods[pod.Name] = pod;
            }
            foreach (var waiter in _waiters.Where(w => w.Condition(_pods.Values)))
            {
                waiter.Done.TrySetResult(arrived);
            }
        }
    }

    private void Fail(Exception error)
    {
        lock (_pods)
        {
            _failure = error;
            foreach (var waiter in _waiters)
            {
                waiter.Done.TrySetException(error);
            }
        }
    }

    private static PodState Parse(JsonElement pod)
    {
        var metadata = pod.GetProperty("metadata");
        var name = metadata.GetProperty("name").GetString() ?? "";
        var app = metadata.TryGetProperty("labels", out var labels) && labels.TryGetProperty("app", out var a) ? a.GetString() : null;
        var terminating = metadata.TryGetProperty("deletionTimestamp", out var deletion) && deletion.ValueKind == JsonValueKind.String;
        var owned = metadata.TryGetProperty("ownerReferences", out var owners)
            && owners.EnumerateArray().Any(o => o.TryGetProperty("controller", out var c) && c.ValueKind == JsonValueKind.True);
        string? node = null, image = null;
        if (pod.TryGetProperty("spec", out var spec))
        {
            node = spec.TryGetProperty("nodeName", out var n) ? n.GetString() : null;
            image = spec.TryGetProperty("containers", out var containers) && containers.GetArrayLength() > 0 && containers[0].TryGetProperty("image", out var i) ? i.GetString() : null;
        }
        bool running = false, ready = false;
        if (pod.TryGetProperty("status", out var status))
        {
            running = status.TryGetProperty("phase", out var phase) && phase.GetString() == "Running"
                && status.TryGetProperty("containerStatuses", out var cs) && cs.GetArrayLength() > 0
                && cs.EnumerateArray().All(c => c.TryGetProperty("state", out var state) && state.TryGetProperty("running", out _));
            ready = status.TryGetProperty("conditions", out var conditions)
                && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");
        }
        return new PodState(name, app, node, image, running, ready, terminating, owned);
    }

    public ValueTask DisposeAsync() => _events.DisposeAsync();
}
