using Axolotl.Api.Coordination;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.NodeLifecycle;

/// <summary>
/// Watches nodes, their Leases and pods, and reconciles each node by name with
/// <see cref="NodeLifecycleReconciler"/>: every change queues the node, and each reconcile asks to be
/// looked at again after the monitor period, which is how a silent node is noticed.
/// </summary>
public sealed class NodeLifecycleController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, NodeLifecycleOptions? options = null, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("node-lifecycle-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger("Axolotl.Controllers.NodeLifecycle"))
{
    private readonly NodeLifecycleOptions _options = options ?? new NodeLifecycleOptions();

    public bool HasSynced { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        HasSynced = false;
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var nodes = informers.For<Node>();
        var leases = informers.For<Lease>();
        var pods = informers.For<Pod>();
        pods.Lister.EnsureIndex(CacheIndexes.NodeName, CacheIndexes.ByNodeName);
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = "node-controller" }, Time, Logger);
        var reconciler = new NodeLifecycleReconciler(client, new ListerCache<Node>(nodes.Lister), new ListerCache<Lease>(leases.Lister),
            new ListerCache<Pod>(pods.Lister), events, Time, Logger, _options);
        var controller = new Controller<ObjectKey>(Name, reconciler, Time, Logger);

        void EnqueueNode(string? name)
        {
            if (!string.IsNullOrEmpty(name))
            {
                controller.Enqueue(new ObjectKey(null, name));
            }
        }

        informers.AddEventHandler(nodes, new ResourceEventHandler<Node>(
            onAdd: n => EnqueueNode(n.Metadata.Name),
            onUpdate: (_, n) => EnqueueNode(n.Metadata.Name),
            onDelete: n => EnqueueNode(n.Metadata.Name)));
        informers.AddEventHandler(leases, new ResourceEventHandler<Lease>(
            onAdd: l => { if (l.Metadata.Namespace == NodeLifecycleReconciler.LeaseNamespace) { EnqueueNode(l.Metadata.Name); } },
            onUpdate: (_, l) => { if (l.Metadata.Namespace == NodeLifecycleReconciler.LeaseNamespace) { EnqueueNode(l.Metadata.Name); } },
            onDelete: _ => { }));
        informers.AddEventHandler(pods, new ResourceEventHandler<Pod>(
            onAdd: p => EnqueueNode(p.Spec?.NodeName),
            onUpdate: (old, p) => { if (old.Metadata.DeletionTimestamp != p.Metadata.DeletionTimestamp || old.Spec?.NodeName != p.Spec?.NodeName) { EnqueueNode(p.Spec?.NodeName); } },
            onDelete: _ => { }));

        await informers.RunAsync(async token =>
        {
            HasSynced = true;
            foreach (var pod in pods.Lister.List(null))
            {
                // Pods bound to nodes that no longer exist are only found through their pods.
                EnqueueNode(pod.Spec?.NodeName);
            }
            await controller.RunAsync(_options.Workers, token);
        }, ct);
    }
}
