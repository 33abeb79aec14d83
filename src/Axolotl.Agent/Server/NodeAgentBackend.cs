using Axolotl.Agent.Logs;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Runtime;

namespace Axolotl.Agent.Server;

/// <summary>
/// Serves the kubelet endpoint from a running agent: the pod's UID comes from the API (by name),
/// the worker and its live container handles from the agent's pod manager.
/// </summary>
public sealed class NodeAgentBackend : IKubeletBackend
{
    private readonly NodeAgent _agent;

    public NodeAgentBackend(NodeAgent agent)
    {
        _agent = agent;
        // One reader of the node's usage for /stats/resource and the kubelet's metrics endpoints.
        var usage = new Metrics.KubeletMetricsSource(agent.Options.NodeName, () => agent.Pods.Workers, agent.Context.Runtime);
        ResourceStats = new(usage, agent.Context.Time);
        Metrics = new(usage, [.. new[] { agent.Context.Kubelet?.Meter, agent.Context.Healing?.Meter }.OfType<System.Diagnostics.Metrics.Meter>()]);
    }

    public ContainerLogReader Logs => _agent.Logs;

    public IContainerRuntime Runtime => _agent.Context.Runtime;

    public Stats.ResourceStatsCollector ResourceStats { get; }

    public Metrics.KubeletMetricsEndpoints Metrics { get; }

    public async Task<KubeletPod?> FindPodAsync(string ns, string name, CancellationToken ct)
    {
        var pod = await _agent.Context.Client.Resource<Pod>().TryGetAsync(ns, name, ct);
        if (pod?.Metadata.Uid is not { Length: > 0 } uid || _agent.Pods.Find(uid) is not { } worker)
        {
            return null;
        }
        var containers = (pod.Spec?.Containers ?? []).Select(c => c.Name)
            .Concat((pod.Spec?.InitContainers ?? []).Select(c => c.Name))
            .Concat((pod.Spec?.EphemeralContainers ?? []).Select(c => c.Name))
            .OfType<string>()
            .ToList();
        return new KubeletPod(uid, name, containers, container => worker.Live.GetValueOrDefault(container))
        {
            Specs = pod.Spec?.AllContainers().ToList() ?? [],
            NetworkNamespace = worker.Sandbox?.NetworkNamespace is { Length: > 0 } netns && File.Exists(Path.Combine("/run/netns", netns)) ? Path.Combine("/run/netns", netns) : null,
            Restarted = container => Restarted(worker, container),
            Terminating = pod.Metadata.DeletionTimestamp is not null,
            AppContainers = (pod.Spec?.Containers ?? []).Select(c => c.Name).OfType<string>().ToList(),
        };
    }

    private bool Restarted(Pods.PodWorker worker, string container)
    {
        // One published copy answers both: the running instance and how often it was restarted.
        var live = worker.LiveSnapshot;
        if (!live.Handles.TryGetValue(container, out var handle))
        {
            return true;
        }
        // The runtime knows of an exit before the worker does (and restarts some containers at once).
        var exited = Runtime.WaitAsync(handle, CancellationToken.None).IsCompleted;
        return exited || live.Restarted(container, handle);
    }
}
