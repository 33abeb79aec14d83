using System.Net;

namespace Axolotl.Proxy.Balancing;

/// <summary>
/// What the node agent in this process knows of its own pods' readiness before the EndpointSlices
/// say it (ADR 0003): an endpoint listed as ready whose pod this node already knows to be not ready
/// gets no new connections. Only ever holds an endpoint back; endpoints of other nodes are never known here.
/// </summary>
public interface ILocalEndpointReadiness
{
    /// <summary>True when the pod at <paramref name="address"/> runs on this node and is known not to be ready.</summary>
    bool IsKnownNotReady(IPAddress address);

    /// <summary>Raised after an address became known not ready or stopped being so (on the reporter's thread: keep handlers short).</summary>
    event Action? Changed;
}
