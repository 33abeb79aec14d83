using System.Collections.Concurrent;
using Axolotl.Agent.Logs;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>
/// Watches the pods bound to this node (fieldSelector spec.nodeName=&lt;node&gt;) and hands each to its
/// worker through a per-UID lane. After the first list, pods the agent had checkpointed but that no
/// longer exist are terminated (deleted while the agent was down). Also rotates container logs.
/// </summary>
public sealed class PodManager : IAsyncDisposable
{
    private readonly PodAgentContext _ctx;
    private readonly PodWorkerContext _workerContext;
    private readonly ConcurrentDictionary<string, PodWorker> _workers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly SharedInformer<Pod> _informer;
    private readonly PodLanes _lanes;
    private Task _run = Task.CompletedTask;
    private Task _rotate = Task.CompletedTask;

    public PodManager(PodAgentContext ctx)
    {
        _ctx = ctx;
        _workerContext = PodWorkerContext.From(ctx);
        _lanes = new PodLanes(SyncAsync, ctx.Log, _stop.Token);
        _informer = new SharedInformer<Pod>(ctx.Client.Resource<Pod>(), ctx.Time, ctx.Log, new SharedInformerOptions
        {
            FieldSelector = "spec.nodeName=" + ctx.Options.NodeName,
            // Back within seconds of the server: pods created or deleted during an outage must not wait 30 s.
            InitialBackoff = ctx.Options.ApiRetryInitialBackoff,
            MaxBackoff = ctx.Options.ApiRetryMaxBackoff,
        }, transform: DropManagedFields);
        _informer.AddEventHandler(new ResourceEventHandler<Pod>(OnPod, (_, pod) => OnPod(pod), OnDeleted));
    }

    public PodLanes Lanes => _lanes;

    /// <summary>Every pod worker (the eviction manager ranks the ones still running).</summary>
    public IEnumerable<PodWorker> Workers => _workers.Values;

    /// <summary>The worker of a pod this node runs, for exec and logs.</summary>
    public PodWorker? Find(string uid) => _workers.GetValueOrDefault(uid);

    /// <summary>The images (canonical names) of every pod this node runs: image garbage collection keeps them.</summary>
    public IReadOnlySet<string> ImagesInUse()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var worker in _workers.Values)
        {
            foreach (var container in worker.Latest.Spec?.AllContainers() ?? [])
            {
                if (Images.Distribution.ImageReference.TryParse(container.Image, out var reference))
                {
                    names.Add(reference.Canonical);
                }
            }
        }

        return names;
    }

    public async Task StartAsync(CancellationToken ct)
    {
        _run = _informer.RunAsync(_stop.Token);
        await _informer.WaitForSyncAsync(ct);
        var known = _informer.Lister.List().Select(p => p.Metadata.Uid).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var uid in _ctx.Checkpoints.PodUids().Where(u => !known.Contains(u)))
        {
            var orphan = new Pod { Metadata = new() { Uid = uid, Name = uid } };
            var worker = _workers.GetOrAdd(uid, _ => new PodWorker(_workerContext, uid, orphan, _lanes.Trigger));
            worker.Inbox.Gone();
            _lanes.Trigger(uid);
        }
        _rotate = RotateLogsAsync(_stop.Token);
    }

    /// <summary>
    /// The agent never reads managedFields (status goes through the status subresource, which ignores them), and a
    /// pod's are 3–5 kB of JSON kept for as long as it runs; the controllers' shared informers drop them too.
    /// </summary>
    private static Pod DropManagedFields(Pod pod)
    {
        pod.Metadata.ManagedFields = null;
        return pod;
    }

    private void OnPod(Pod pod)
    {
        var uid = pod.Metadata.Uid;
        if (string.IsNullOrEmpty(uid))
        {
            return;
        }
        if (StartTrace.FilePath is not null)
        {
            StartTrace.Mark("pod-event-" + (pod.Status?.Phase ?? "none"), pod.Metadata.Name, uid);
        }
        var worker = _workers.GetOrAdd(uid, _ => new PodWorker(_workerContext, uid, pod, _lanes.Trigger));
        worker.Inbox.Changed(pod);
        _lanes.Trigger(uid);
    }

    private void OnDeleted(Pod pod)
    {
        var uid = pod.Metadata.Uid;
        if (uid is not null && _workers.TryGetValue(uid, out var worker))
        {
            worker.Inbox.Gone();
            _lanes.Trigger(uid);
        }
    }

    private async Task SyncAsync(string uid, CancellationToken ct)
    {
        if (!_workers.TryGetValue(uid, out var worker))
        {
            return;
        }
        try
        {
            await worker.SyncAsync(ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested && !worker.Lifecycle.IsFinished)
        {
            // As the kubelet's pod workers requeue a failed sync: a crashed container whose restart
            // failed half-way (the API server gone while its environment was read …) must not wait
            // for the pod's next change. The lane logs the failure.
            worker.RetryAfter(_ctx.Options.ApiRetryMaxBackoff);
            throw;
        }
        if (worker.Lifecycle.IsFinished)
        {
            _workers.TryRemove(uid, out _);
        }
    }

    private async Task RotateLogsAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_ctx.Options.LogRotateInterval, _ctx.Time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            foreach (var worker in _workers.Values)
            {
                foreach (var handle in worker.Live.Values)
                {
                    try
                    {
                        LogRotator.RotateIfNeeded(handle.LogPath, _ctx.Options.LogMaxBytes);
                    }
                    catch (IOException ex)
                    {
                        _ctx.Log.LogWarning(ex, "rotating {Path} failed", handle.LogPath);
                    }
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_run, _rotate);
        }
        catch (OperationCanceledException)
        {
        }
        await _lanes.WhenAllIdleAsync();
        _stop.Dispose();
    }
}
