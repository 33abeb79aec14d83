namespace Axolotl.Agent.Pods;

/// <summary>
/// The node's duplicates of its pods' listening sockets, as the pod lanes see them (ADR 0030, issue 36; kept by the
/// service proxy's side in nftables mode): while the node holds one, a SIGKILL of the app does not reset its accept
/// queue, and the queued connections go to the Service port's other endpoints. Two rules keep a held duplicate from
/// ever taking the replacement's port: a pod that may be held is never armed (its restarts wait for the node's go), and
/// the duplicates of a container that exited are drained and closed before its next attempt starts.
/// </summary>
public interface IHeldListeners
{
    /// <summary>
    /// Whether the node may hold the pod's listening sockets (it disarmed the pod's containers before its first take):
    /// its containers are started without an armed restart (<see cref="Runtime.ContainerSpec.ArmsNext"/> null).
    /// </summary>
    bool Holds(string podUid);

    /// <summary>
    /// A container of the pod exited: the duplicates taken from its processes are drained (to the other endpoints) and
    /// closed before this returns, within a short bound of its own. Nothing held: returns at once.
    /// </summary>
    void Exited(string podUid);
}
