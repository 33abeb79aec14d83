using System.Net;
using Axolotl.Proxy.Drain;

namespace Axolotl.Commands;

/// <summary>
/// What <see cref="HeldListenerWiring"/> needs of the node's agent and service proxy (<see cref="AgentProxyHeldListenerNode"/>),
/// which know nothing of each other (ADR 0030). A seam, so the wiring is tested without an agent or a proxy.
/// </summary>
public interface IHeldListenerNode
{
    /// <summary>The ports worth holding now (<see cref="HeldPorts.Desired"/> of the proxy's snapshot and kernel frontends).</summary>
    IReadOnlySet<HeldPort> Desired();

    /// <summary>Calls <paramref name="changed"/> on each change of what <see cref="Desired"/> reads, until disposed.</summary>
    IDisposable OnChanged(Action changed);

    /// <summary>The pod's namespace and name, null when the agent has no such pod.</summary>
    (string Namespace, string Name)? Pod(string podUid);

    /// <summary>The pod behind the port (its name and address) and its running containers' launcher pids; null when none runs.</summary>
    (string PodUid, IReadOnlyList<int> Launchers)? Containers(HeldPort port);

    /// <summary>Drains the released duplicate and closes it before the task is returned; relays what it drained (<see cref="Proxy.ServiceProxy.RelayDrainedAsync"/>).</summary>
    Task<(int Relayed, int Reset)> RelayDrainedAsync(IHeldListener listener, IPEndPoint deadEndpoint, CancellationToken bound);
}
