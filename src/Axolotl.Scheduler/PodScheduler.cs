using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Scheduler.Cache;
using Axolotl.Scheduler.Framework;
using Axolotl.Scheduler.Queue;
using Microsoft.Extensions.Logging;

namespace Axolotl.Scheduler;

/// <summary>
/// The scheduling cycle over the informer caches: feeds <see cref="SchedulingQueue"/> from pod and node
/// changes, and <see cref="ScheduleOneAsync"/> takes one pending pod, runs <see cref="SchedulingAlgorithm"/>
/// on a snapshot of the nodes (<see cref="NodeInfoCache"/>) and either binds it or reports why it fits
/// nowhere: a FailedScheduling event and PodScheduled=False/Unschedulable on the pod's status. A bound
/// pod is assumed on its node at once, so the next cycle counts it, and the binding request runs in
/// the background (at most <see cref="SchedulerOptions.MaxParallelBindings"/> at a time, the others
/// waiting their turn there), as kube-scheduler's binding cycle does: the attempt ends at assume, and the
/// next pod waits neither for the API's answer nor for a free binding slot.
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

    /// <summary>Whether the node informer's events reach the cache (<see cref="RegisterHandlers"/>), so a snapshot may skip unchanged nodes.</summary>
    private volatile bool _nodesFollowed;
    private readonly Dictionary<string, Assumed> _assumed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Pod> _nominated = new(StringComparer.Ordinal);
    private readonly Preemption.Preemptor _preemptor;
    private readonly NodeInfoCache _cache = new();
    private readonly SemaphoreSlim _bindings;

    public PodScheduler(KubeClient client, SharedInformer<Pod> pods, SharedInformer<Node> nodes, SchedulingQueue queue, EventRecorder recorder,
        SchedulerOptions options, TimeProvider time, ILogger logger, SchedulingAlgorithm? algorithm = null)
    {
        _client = client;
        _pods = pods;
        _nodes = nodes;
        Queue = queue;
        SchedulerMetrics.Track(queue);
        _recorder = recorder;
        Options = options;
        _time = time;
        _logger = logger;
        _binder = new Binder(client);
        _preemptor = new Preemption.Preemptor(client, recorder, time, logger);
        _bindings = new SemaphoreSlim(options.MaxParallelBindings, options.MaxParallelBindings);
        Algorithm = algorithm ?? SchedulingAlgorithm.CreateDefault();
    }

    public SchedulingQueue Queue { get; }

    public SchedulerOptions Options { get; }

    public SchedulingAlgorithm Algorithm { get; }

    /// <summary>The PodDisruptionBudgets preemption respects (from their informer); none by default.</summary>
    public Func<IReadOnlyList<Api.Policy.PodDisruptionBudget>> DisruptionBudgets { get; init; } = () => [];

    /// <summary>The VolumeBinding plugin of <see cref="Algorithm"/>, when it has one: the chosen node is written on the pod's unbound delayed claims.</summary>
    public Plugins.VolumeBinding? Volumes { get; init; }

    /// <summary>Connects the informers to the queue. Call before the informers run.</summary>
    public IDisposable RegisterHandlers()
    {
        var pods = _pods.AddEventHandler(new ResourceEventHandler<Pod>(OnPodAdd, OnPodUpdate, OnPodDelete));
        var nodes = _nodes.AddEventHandler(new ResourceEventHandler<Node>(
            onAdd: _ =>
            {
                NodesChanged(null);
                Queue.MoveAllToActiveOrBackoff();
            },
            onUpdate: (before, after) =>
            {
                NodesChanged(after.Metadata.Name ?? "");
                if (NodeSignature(before) != NodeSignature(after))
                {
                    Queue.MoveAllToActiveOrBackoff();
                }
            },
            onDelete: _ => NodesChanged(null)));
        _nodesFollowed = true;
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
        var started = _time.GetTimestamp();
        string? outcome = "error";
        try
        {
            var nominated = NominatedPods();
            var result = Algorithm.Schedule(pod, Snapshot(), new CycleContext(DisruptionBudgets(), nominated, _time.GetUtcNow()));
            if (result.NodeName is { } selected && Volumes?.UnboundDelayedClaims(pod) is { Count: > 0 } waiting)
            {
                // WaitForFirstConsumer: the volumes are made for the chosen node first; the pod comes back
                // (and is bound) once its claims are bound, as kube-scheduler's PreBind waits for them.
                outcome = null; // counted when it comes back and is bound
                await SelectNodeAsync(waiting, selected, ct);
                Queue.AddUnschedulable(key);
            }
            else if (result.NodeName is { } node)
            {
                outcome = "scheduled";
                Assume(key, pod, node);
                _ = Task.Run(() => BindInBackgroundAsync(key, pod, node, ct), CancellationToken.None);
            }
            else
            {
                outcome = "unschedulable";
                if (result.Preemption is { } candidate)
                {
                    // The pod waits for its victims to go; their deletion brings it back to the queue.
                    await _preemptor.PreemptAsync(pod, candidate, nominated, Options.SchedulerName, ct);
                    SchedulerLog.Preempted(_logger, key, candidate.NodeName, candidate.Victims.Count);
                }
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
        finally
        {
            // Upstream's attempt covers the algorithm and handing the binding off; a waiting-for-volumes pod counts as scheduled when it comes back.
            if (!ct.IsCancellationRequested && outcome is not null)
            {
                SchedulerMetrics.Attempt(outcome, Options.SchedulerName, _time.GetElapsedTime(started));
            }
        }
        return true;
    }

    /// <summary>Every node with the pods bound to it (running or terminating, not finished) plus the pods assumed there.</summary>
    public NodeSnapshot Snapshot()
    {
        lock (_lock)
        {
            // As upstream's cache, only a binding that finished can expire: one still waiting for its slot or its answer counts on.
            foreach (var (key, entry) in Options.AssumeTimeout <= TimeSpan.Zero ? []
                : _assumed.Where(p => p.Value.BoundAt is { } bound && _time.GetElapsedTime(bound) >= Options.AssumeTimeout).ToList())
            {
                _assumed.Remove(key);
                _cache.Forget(key);
                // The binding never showed up in the cache: let the pod be looked at again.
                Queue.Add(key);
            }
            // With the node events followed, only the nodes that changed are looked at.
            return _nodesFollowed
                ? _cache.Snapshot(() => _nodes.Lister.List(), name => _nodes.Lister.Get(null, name))
                : _cache.Snapshot(_nodes.Lister.List());
        }
    }

    /// <summary>Tells the cache a Node changed (<paramref name="name"/>) or one came or went (null).</summary>
    private void NodesChanged(string? name)
    {
        lock (_lock)
        {
            if (name is null)
            {
                _cache.NodeSetChanged();
            }
            else
            {
                _cache.NodeChanged(name);
            }
        }
    }

    private async Task SelectNodeAsync(IReadOnlyList<PersistentVolumeClaim> claims, string node, CancellationToken ct)
    {
        foreach (var claim in claims)
        {
            if (claim.Metadata.Annotations?.GetValueOrDefault(Api.Storage.VolumeAnnotations.SelectedNode) == node)
            {
                continue;
            }
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [Api.Storage.VolumeAnnotations.SelectedNode] = node } },
            };
            await _client.Resource<PersistentVolumeClaim>().PatchAsync(claim.Metadata.Namespace, claim.Metadata.Name ?? "", PatchType.Merge, patch.ToJsonString(), null, ct);
        }
    }

    private void Assume(string key, Pod pod, string node)
    {
        lock (_lock)
        {
            _assumed[key] = new Assumed(null);
            _cache.Count(key, pod, node);
        }
    }

    private async Task BindInBackgroundAsync(string key, Pod pod, string node, CancellationToken ct)
    {
        try
        {
            await _bindings.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return; // Shutting down before its turn; the pod stays pending for the next scheduler.
        }
        try
        {
            await BindAsync(key, pod, node, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down; the pod stays pending for the next scheduler.
        }
        catch (Exception e)
        {
            SchedulerLog.CycleFailed(_logger, e, key);
        }
        finally
        {
            _bindings.Release();
        }
    }

    private async Task BindAsync(string key, Pod pod, string node, CancellationToken ct)
    {
        try
        {
            await _binder.BindAsync(pod, node, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            lock (_lock)
            {
                // Unless the informer already shows it bound, it counts nowhere again.
                if (_assumed.Remove(key))
                {
                    _cache.Forget(key);
                }
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
        lock (_lock)
        {
            // Upstream's FinishBinding: from now an AssumeTimeout (when set) counts.
            if (_assumed.TryGetValue(key, out var entry))
            {
                _assumed[key] = entry with { BoundAt = _time.GetTimestamp() };
            }
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
        Track(key, pod);
        if (IsPendingForUs(pod))
        {
            Queue.Add(key, pod.Spec?.Priority ?? 0);
        }
        else if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            Confirm(key);
            MovePodsThatCountOthers();
        }
    }

    private void OnPodUpdate(Pod before, Pod after)
    {
        var key = CacheIndexes.Key(after);
        Track(key, after);
        if (IsPendingForUs(after))
        {
            // Our own status writes must not retry the pod at once; a change to what it asks for should.
            if (!IsPendingForUs(before) || SchedulingSignature(before) != SchedulingSignature(after))
            {
                Queue.Add(key, after.Spec?.Priority ?? 0);
            }
            return;
        }
        Queue.Delete(key);
        if (!string.IsNullOrEmpty(after.Spec?.NodeName))
        {
            Confirm(key);
            if (string.IsNullOrEmpty(before.Spec?.NodeName) || !Cache.NodeInfoCache.SameLabels(before.Metadata.Labels, after.Metadata.Labels))
            {
                MovePodsThatCountOthers();
            }
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
            _cache.Forget(key);
            _nominated.Remove(key);
        }
        if (wasAssumed || !string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            Queue.MoveAllToActiveOrBackoff();
        }
    }

    /// <summary>
    /// A pod bound or relabelled can satisfy a waiting pod's pod affinity or even out its topology
    /// spread: those pods are retried, the others stay where they wait (upstream's AssignedPodAdd hint).
    /// </summary>
    private void MovePodsThatCountOthers() => Queue.MoveToActiveOrBackoff(key =>
    {
        var separator = key.IndexOf('/', StringComparison.Ordinal);
        var spec = _pods.Lister.Get(key[..Math.Max(separator, 0)], key[(separator + 1)..])?.Spec;
        return spec is not null && (spec.Affinity?.PodAffinity is not null || spec.TopologySpreadConstraints is { Count: > 0 });
    });

    /// <summary>Keeps the node cache in step with the informer: a bound, unfinished pod counts on its node; an assumed one keeps counting until confirmed or given up.</summary>
    private void Track(string key, Pod pod)
    {
        lock (_lock)
        {
            if (IsPendingForUs(pod) && pod.Status?.NominatedNodeName is { Length: > 0 })
            {
                _nominated[key] = pod;
            }
            else
            {
                _nominated.Remove(key);
            }
            if (!string.IsNullOrEmpty(pod.Spec?.NodeName) && pod.Status?.Phase is not ("Succeeded" or "Failed"))
            {
                _cache.Count(key, pod);
            }
            else if (string.IsNullOrEmpty(pod.Spec?.NodeName) && _assumed.ContainsKey(key))
            {
                // Bound by us, not yet seen bound: the assumed copy keeps counting.
            }
            else
            {
                _cache.Forget(key);
            }
        }
    }

    /// <summary>The pending pods that an earlier preemption nominated to a node.</summary>
    private List<Pod> NominatedPods()
    {
        lock (_lock)
        {
            return [.. _nominated.Values];
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

    /// <param name="BoundAt">When the binding request succeeded (null while it waits or runs): the assume timeout counts from there.</param>
    private sealed record Assumed(long? BoundAt);

    private sealed class Registrations(IDisposable pods, IDisposable nodes) : IDisposable
    {
        public void Dispose()
        {
            pods.Dispose();
            nodes.Dispose();
        }
    }
}
