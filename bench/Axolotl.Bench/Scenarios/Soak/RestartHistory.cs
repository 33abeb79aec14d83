using System.Globalization;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>One run of a crash-looping container as the API showed it: its index (the pod's restartCount while it ran), start and exit.</summary>
internal sealed record ContainerInstance(int Index, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// Every instance of every crash-looping pod, from a list of those pods once a second (a 2 s run and
/// back-offs of 10 s and more leave each instance visible, as the running state or as lastState, for
/// several polls). Indexed as the kubelet counts: restartCount is the index of the running or the
/// last-terminated-and-not-yet-restarted instance, lastState of a running container is the one before.
/// A restartCount that ever goes down is recorded: a restart must never reset it.
/// </summary>
internal sealed class RestartHistory(ApiClient api)
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, SortedDictionary<int, ContainerInstance>> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _highestCount = new(StringComparer.Ordinal);
    private readonly List<string> _countResets = [];
    private readonly Lock _lock = new();

    /// <summary>Pods whose restartCount went down at some poll, with the counts.</summary>
    public IReadOnlyList<string> CountResets
    {
        get
        {
            lock (_lock)
            {
                return [.. _countResets];
            }
        }
    }

    public IReadOnlyDictionary<string, IReadOnlyList<ContainerInstance>> Snapshot()
    {
        lock (_lock)
        {
            return _pods.ToDictionary(p => p.Key, p => (IReadOnlyList<ContainerInstance>)[.. p.Value.Values], StringComparer.Ordinal);
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            do
            {
                try
                {
                    Record(await api.GetAsync($"/api/v1/namespaces/{SoakWorkload.Namespace}/pods?labelSelector=app%3D{SoakWorkload.CrashApp}", ct));
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    // The server is down (the outage) or slow: the instances stay visible for the next poll.
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The soak is over.
        }
    }

    private void Record(byte[] list)
    {
        using var doc = JsonDocument.Parse(list);
        lock (_lock)
        {
            foreach (var pod in doc.RootElement.GetProperty("items").EnumerateArray())
            {
                var name = pod.GetProperty("metadata").GetProperty("name").GetString()!;
                if (!pod.TryGetProperty("status", out var status) || !status.TryGetProperty("containerStatuses", out var containers) || containers.GetArrayLength() == 0)
                {
                    continue;
                }
                var container = containers[0];
                var count = container.GetProperty("restartCount").GetInt32();
                if (_highestCount.TryGetValue(name, out var highest) && count < highest)
                {
                    _countResets.Add($"{name}: {highest} → {count}");
                }
                _highestCount[name] = Math.Max(count, highest);
                var instances = _pods.TryGetValue(name, out var known) ? known : _pods[name] = [];
                var state = container.TryGetProperty("state", out var s) ? s : default;
                var running = state.ValueKind == JsonValueKind.Object && state.TryGetProperty("running", out var r) ? r : default;
                if (running.ValueKind == JsonValueKind.Object && Time(running, "startedAt") is { } started)
                {
                    Add(instances, new ContainerInstance(count, started, null));
                    if (Terminated(container, "lastState") is { } previous && count > 0)
                    {
                        Add(instances, new ContainerInstance(count - 1, previous.Started, previous.Finished));
                    }
                }
                else if ((Terminated(container, "state") ?? Terminated(container, "lastState")) is { } last)
                {
                    Add(instances, new ContainerInstance(count, last.Started, last.Finished));
                }
            }
        }
    }

    /// <summary>Keeps the fullest record of an instance: one that has seen its exit replaces one that saw it running.</summary>
    private static void Add(SortedDictionary<int, ContainerInstance> instances, ContainerInstance instance)
    {
        if (instances.TryGetValue(instance.Index, out var known) && known.StartedAt == instance.StartedAt && instance.FinishedAt is null)
        {
            return;
        }
        instances[instance.Index] = instance;
    }

    private static (DateTimeOffset Started, DateTimeOffset Finished)? Terminated(JsonElement container, string property) =>
        container.TryGetProperty(property, out var state) && state.ValueKind == JsonValueKind.Object
            && state.TryGetProperty("terminated", out var terminated) && Time(terminated, "startedAt") is { } started && Time(terminated, "finishedAt") is { } finished
            ? (started, finished) : null;

    private static DateTimeOffset? Time(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
