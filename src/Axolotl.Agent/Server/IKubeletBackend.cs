using Axolotl.Agent.Logs;
using Axolotl.Runtime;

namespace Axolotl.Agent.Server;

/// <summary>
/// What the kubelet endpoint needs from the agent: the pods it runs, their log files and the runtime
/// to exec with. <see cref="NodeAgentBackend"/> adapts a running <see cref="NodeAgent"/>; tests
/// supply their own over the fake runtime.
/// </summary>
public interface IKubeletBackend
{
    ContainerLogReader Logs { get; }

    IContainerRuntime Runtime { get; }

    /// <summary>The pod with this namespace and name when this node runs it; null otherwise.</summary>
    Task<KubeletPod?> FindPodAsync(string ns, string name, CancellationToken ct);

    /// <summary>The node's and its containers' resource readings for /stats/resource; null where the backend has none.</summary>
    Stats.ResourceStatsCollector? ResourceStats => null;
    /// <summary>/metrics, /metrics/resource and /metrics/cadvisor; null where a backend serves none (404).</summary>
    Metrics.KubeletMetricsEndpoints? Metrics => null;
}

/// <summary>A pod as the kubelet endpoint sees it: its UID, the containers of its spec and how to reach the running ones.</summary>
public sealed record KubeletPod(string Uid, string Name, IReadOnlyList<string> Containers, Func<string, ContainerHandle?> Running)
{
    /// <summary>The specs of the pod's containers (init and ephemeral ones included), for what attach reads from them: stdin and tty.</summary>
    public IReadOnlyList<Api.Core.Container> Specs { get; init; } = [];

    /// <summary>The pod's network namespace (a path), where port-forward dials localhost; null for host network or a runtime without one.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>
    /// Whether the container is between instances or its live instance is a restart (it has
    /// restarted, or it has exited and the agent has not yet noticed): a refused port may
    /// then be a server that is still starting. False where the backend cannot tell.
    /// </summary>
    public Func<string, bool> Restarted { get; init; } = _ => false;

    /// <summary>The pod is being deleted: a refused port may be its containers stopping (port-forward waits until it is gone, then moves on).</summary>
    public bool Terminating { get; init; }

    /// <summary>The spec's regular containers (no init or ephemeral ones): those that serve a forwarded port. Null: all of <see cref="Containers"/>.</summary>
    public IReadOnlyList<string>? AppContainers { get; init; }
}
