using System.Net;
using Axolotl.Agent;
using Axolotl.Proxy;
using Axolotl.Proxy.Drain;

namespace Axolotl.Commands;

/// <summary>The node's agent and service proxy as <see cref="HeldListenerWiring"/> sees them.</summary>
public sealed class AgentProxyHeldListenerNode(NodeAgent agent, ServiceProxy proxy) : IHeldListenerNode
{
    public IReadOnlySet<HeldPort> Desired() => HeldPorts.Desired(proxy.Snapshot, proxy.KernelFrontends, agent.Options.NodeName);

    public IDisposable OnChanged(Action changed)
    {
        proxy.SnapshotChanged += changed;
        proxy.KernelFrontendsChanged += changed;
        return new Unsubscribe(proxy, changed);
    }

    public (string Namespace, string Name)? Pod(string podUid) =>
        agent.Pods.Find(podUid) is { } worker ? (worker.Latest.Metadata.Namespace ?? "", worker.Latest.Metadata.Name ?? "") : null;

    public (string PodUid, IReadOnlyList<int> Launchers)? Containers(HeldPort port)
    {
        var address = port.Address.ToString();
        var worker = agent.Pods.Workers.FirstOrDefault(w =>
            w.Latest.Metadata.Namespace == port.Namespace && w.Latest.Metadata.Name == port.Pod && w.Sandbox?.Ip == address);
        return worker is null || worker.Live.Count == 0 ? null : (worker.Uid, worker.Live.Values.Select(h => h.Pid).ToList());
    }

    public Task<(int Relayed, int Reset)> RelayDrainedAsync(IHeldListener listener, IPEndPoint deadEndpoint, CancellationToken bound) =>
        proxy.RelayDrainedAsync(listener, deadEndpoint, bound);

    private sealed class Unsubscribe(ServiceProxy proxy, Action changed) : IDisposable
    {
        public void Dispose()
        {
            proxy.SnapshotChanged -= changed;
            proxy.KernelFrontendsChanged -= changed;
        }
    }
}
