using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Scheduler.Framework;
using Axolotl.Scheduler.Queue;
using Microsoft.Extensions.Logging;

namespace Axolotl.Scheduler;

/// <summary>
/// The scheduling cycle over the informer caches: feeds <see cref="SchedulingQueue"/> from pod and node
/// changes, and <see cref="ScheduleOneAsync"/> takes one pending pod, runs <see cref="SchedulingAlgorithm"/>
/// on a fresh snapshot and either binds it (assuming it on the node at once, so that the next cycle
/// counts it before the informer shows the binding) or reports why it fits nowhere: a FailedScheduling
/// event and PodScheduled=False/Unschedulable on the pod's status.
/// </summary>
public sealed class PodScheduler
{
    /// <summary>Upstream cuts event and condition messages to this length.</summary>
    public const int MaxMessageLength = 1024;

    private readonly KubeClient _client;
    private readonly SharedInformer<Pod> _pods;
    private readonly SharedInformer<Node> _nodes;
    private readonly EventRecorder _recorder;
    private readonly Binder _binder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Assumed> _assumed = new(StringComparer.Ordinal);

    public PodScheduler(KubeClient client, SharedInformer<Pod> pods, SharedInformer<Node> nodes, SchedulingQueue queue, EventRecorder recorder,
        SchedulerOptions options, TimeProvider time, ILogger logger, SchedulingAlgorithm? algorithm = null)
    {
        _client = client;
        _pods = pods;
        _nodes = nodes;
        Queue = queue;
        _recorder = recorder;
        Options = options;
        _time = time;
        _logger = logger;
        _binder = new Binder(client);
        Algorithm = algorithm ?? SchedulingAlgorithm.CreateDefault();
    }

    public SchedulingQueue Queue { get; }

    public SchedulerOptions Options { get; }

    public SchedulingAlgorithm Algorithm { get; }

    /// <summary>Connects the informers to the queue. Call before the informers run.</summary>
    public IDisposable RegisterHandlers()
    {
        var pods = _pods.AddEventHandler(new ResourceEventHandler<Pod>(OnPodAdd, OnPodUpdate, OnPodDelete));
        var nodes = _nodes.AddEventHandler(new ResourceEventHandler<Node>(
            onAdd: _ => Queue.MoveAllToActiveOrBackoff(),
            onUpdate: (before, after) =>
            {
                if (NodeSignature(before) != NodeSignature(after))
                {
                    Queue.MoveAllToActiveOrBackoff();
                }
            }));
        return new Registrations(pods, nodes);
    }

    /// <summary>Whether this scheduler should place <paramref name="pod"/>: ours, unbound, not deleting, not finished, not gated.</summary>
    public bool IsPendingForUs(Pod pod) =>
        string.IsNullOrEmpty(pod.Spec?.NodeName)
        && pod.Metadata.DeletionTimestamp is null
        && pod.Status?.Phase is not ("Succeeded" or "Failed")
        && (string.IsNullOrEmpty(pod.Spec?.SchedulerName) || pod.Spec.SchedulerName == Options.SchedulerName)
        && pod.Spec?.SchedulingGates is not { Count: > 0 };

    /// <summary>Schedules the next pending pod (waiting for one). False once the queue is shut down.</summary>
    public async Task<bool> ScheduleOneAsync(CancellationToken ct)
    {
        var key = await Queue.PopAsync(ct);
        if (key is null)
        {
            return false;
        }
        var separator = key.IndexOf('/', StringComparison.Ordinal);
        var pod = _pods.Lister.Get(key[..Math.Max(separator, 0)], key[(separator + 1)..]);
        bool assumed;
        lock (_lock)
        {
            assumed = _assumed.ContainsKey(key);
        }
        if (pod is null || !IsPendingForUs(pod) || assumed)
        {
            Queue.Delete(key);
            return true;
        }
        try
        {
            var result = Algorithm.Schedule(pod, Snapshot());
            if (result.NodeName is { } node)
            {
                await BindAsync(key, pod, node, ct);
            }
            else
            {
                await ReportUnschedulableAsync(key, pod, Truncate(result.FailureMessage ?? ""), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            SchedulerLog.CycleFailed(_logger, e, key);
            Queue.AddBackoff(key);
        }
        return true;
    }

    /// <summary>Every node with the pods bound to it (running or terminating, not finished) plus the pods assumed there.</summary>
    public IReadOnlyList<NodeInfo> Snapshot()
    {
        var infos = _nodes.Lister.List().ToDictionary(n => n.Metadata.Name ?? "", n => new NodeInfo(n), StringComparer.Ordinal);
        Dictionary<string, Assumed> assumed;
        lock (_lock)
        {
            foreach (var (key, entry) in _assumed.Where(p => _time.GetElapsedTime(p.Value.Since) >= Options.AssumeTimeout).ToList())
            {
                _assumed.Remove(key);
                // The binding never showed up in the cache: let the pod be looked at again.
                Queue.Add(key);
            }
            assumed = new Dictionary<string, Assumed>(_assumed, StringComparer.Ordinal);
        }
        foreach (var pod in _pods.Lister.List())
        {
            if (!string.IsNullOrEmpty(pod.Spec?.NodeName) && pod.Status?.Phase is not ("Succeeded" or "Failed")
                && !assumed.ContainsKey(CacheIndexes.Key(pod)) && infos.TryGetValue(pod.Spec.NodeName, out var info))
            {
                info.AddPod(pod);
            }
        }
        foreach (var entry in assumed.Values)
        {
            if (infos.TryGetValue(entry.Pod.Spec!.NodeName!, out var info))
            {
                info.AddPod(entry.Pod);
            }
        }
        return [.. infos.Values];
    }

    private async Task BindAsync(string key, Pod pod, string node, CancellationToken ct)
    {
        var copy = pod.DeepCopy();
        copy.Spec!.NodeName = node;
        lock (_lock)
        {
            _assumed[key] = new Assumed(copy, _time.GetTimestamp());
        }
        try
        {
            await _binder.BindAsync(pod, node, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            lock (_lock)
            {
                _assumed.Remove(key);
            }
            if (e is KubeApiException { IsNotFound: true })
            {
                Queue.Delete(key);
                return;
            }
            SchedulerLog.BindFailed(_logger, e, key, node);
            _recorder.Record(pod, "Warning", "FailedScheduling", Truncate($"Binding rejected: {e.Message}"));
            Queue.AddBackoff(key);
            return;
        }
        Queue.Done(key);
        SchedulerLog.Scheduled(_logger, key, node);
        _recorder.Record(pod, "Normal", "Scheduled", $"Successfully assigned {pod.Metadata.Namespace}/{pod.Metadata.Name} to {node}");
    }

    private async Task ReportUnschedulableAsync(string key, Pod pod, string message, CancellationToken ct)
    {
        Queue.AddUnschedulable(key);
        SchedulerLog.Unschedulable(_logger, key, message);
        _recorder.Record(pod, "Warning", "FailedScheduling", message);
        var current = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (current is { Status: "False", Reason: "Unschedulable" } && current.Message == message)
        {
            return;
        }
        var transition = current?.Status == "False" && current.LastTransitionTime is { } since ? since : _time.GetUtcNow();
        var patch = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "PodScheduled",
                    ["status"] = "False",
                    ["lastProbeTime"] = null,
                    ["lastTransitionTime"] = KubeTimeConverter.Format(transition),
                    ["reason"] = "Unschedulable",
                    ["message"] = message,
                }),
            },
        };
        try
        {
            await _client.Resource<Pod>().PatchAsync(pod.Metadata.Namespace, pod.Metadata.Name ?? "", PatchType.StrategicMerge, patch.ToJsonString(), "status", ct);
        }
        catch (KubeApiException e)
        {
            // The pod may be gone or bound meanwhile; the next attempt writes it again if still needed.
            SchedulerLog.ConditionFailed(_logger, e, key);
        }
    }

    private void OnPodAdd(Pod pod)
    {
        var key = CacheIndexes.Key(pod);
        if (IsPendingForUs(pod))
        {
            Queue.Add(key);
        }
        else if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            Confirm(key);
        }
    }

    private void OnPodUpdate(Pod before, Pod after)
    {
        var key = CacheIndexes.Key(after);
        if (IsPendingForUs(after))
        {
            // Our own status writes must not retry the pod at once; a change to what it asks for should.
            if (!IsPendingForUs(before) || SchedulingSignature(before) != SchedulingSignature(after))
            {
                Queue.Add(key);
            }
            return;
        }
        Queue.Delete(key);
        if (!string.IsNullOrEmpty(after.Spec?.NodeName))
        {
            Confirm(key);
            var wasRunning = !string.IsNullOrEmpty(before.Spec?.NodeName) && before.Status?.Phase is not ("Succeeded" or "Failed");
            if (wasRunning && after.Status?.Phase is "Succeeded" or "Failed")
            {
                // A finished pod frees its node's resources and ports.
                Queue.MoveAllToActiveOrBackoff();
            }
        }
    }

    private void OnPodDelete(Pod pod)
    {
        var key = CacheIndexes.Key(pod);
        Queue.Delete(key);
        bool wasAssumed;
        lock (_lock)
        {
            wasAssumed = _assumed.Remove(key);
        }
        if (wasAssumed || !string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            Queue.MoveAllToActiveOrBackoff();
        }
    }

    private void Confirm(string key)
    {
        lock (_lock)
        {
            _assumed.Remove(key);
        }
    }

    private static string Truncate(string message) =>
        message.Length <= MaxMessageLength ? message : message[..(MaxMessageLength - 4)] + " ...";

    private static string SchedulingSignature(Pod pod) =>
        JsonSerializer.Serialize(pod.Spec, KubeJson.Options) + "|" + JsonSerializer.Serialize(pod.Metadata.Labels, KubeJson.Options);

    /// <summary>What of a node can change a scheduling decision: heartbeats alone do not count.</summary>
    private static string NodeSignature(Node node) => string.Join('|',
        node.Spec?.Unschedulable == true,
        JsonSerializer.Serialize(node.Spec?.Taints, KubeJson.Options),
        JsonSerializer.Serialize(node.Metadata.Labels, KubeJson.Options),
        JsonSerializer.Serialize(node.Status?.Allocatable, KubeJson.Options),
        string.Join(',', (node.Status?.Conditions ?? []).Select(c => c.Type + "=" + c.Status)));

    private sealed record Assumed(Pod Pod, long Since);

    private sealed class Registrations(IDisposable pods, IDisposable nodes) : IDisposable
    {
        public void Dispose()
        {
            pods.Dispose();
            nodes.Dispose();
        }
    }
}
