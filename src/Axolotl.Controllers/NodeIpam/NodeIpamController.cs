using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.NodeIpam;

/// <summary>
/// kube-controller-manager's node-ipam controller with --allocate-node-cidrs and the range allocator:
/// gives each Node a pod CIDR from the cluster CIDR, so agents never pick one themselves. One worker:
/// the bitmap is the only allocation state and a single writer keeps it simple to reason about.
/// </summary>
public sealed class NodeIpamController(KubeClient client, NodeIpamOptions options, ILoggerFactory loggerFactory, TimeProvider time, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("node-ipam-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<NodeIpamController>())
{
    /// <summary>The allocator of the current run, once its informer synced (tests).</summary>
    public RangeAllocator? Allocator { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var nodes = informers.For<Node>();
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = "cidrAllocator" }, Time, Logger);
        var allocator = new RangeAllocator(client, nodes.Lister, new CidrSet(options.ClusterCidr, options.NodeCidrMaskSize), events, options, Logger);
        var controller = new Controller<string>(Name, allocator, Time, Logger);

        void Changed(Node node)
        {
            if (node.Metadata.Name is { } name)
            {
                controller.Enqueue(name);
            }
        }

        informers.AddEventHandler(nodes, new ResourceEventHandler<Node>(
            onAdd: Changed,
            onUpdate: (before, after) =>
            {
                if (RangeAllocator.CidrOf(before) != RangeAllocator.CidrOf(after) || RangeAllocator.CidrOf(after) is null)
                {
                    Changed(after);
                }
            },
            onDelete: node =>
            {
                Changed(node);
                // Its subnet is free again: nodes waiting on a full cluster CIDR need not wait out their backoff.
                foreach (var waiting in nodes.Lister.List().Where(n => RangeAllocator.CidrOf(n) is null))
                {
                    Changed(waiting);
                }
            }));

        await informers.RunAsync(token =>
        {
            // Every Node's subnet is marked before the queue (already holding every Node) is worked.
            allocator.Rebuild();
            Allocator = allocator;
            return controller.RunAsync(1, token);
        }, ct);
    }
}
