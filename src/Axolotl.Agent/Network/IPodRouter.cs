namespace Axolotl.Agent.Network;

/// <summary>Keeps this machine's routes to the other nodes' pods in step with the Nodes (host-gw or vxlan).</summary>
public interface IPodRouter : IAsyncDisposable
{
    void Start();

    /// <summary>One reconcile of the kernel's state with the Nodes the router's informer holds.</summary>
    Task SyncAsync(CancellationToken ct);
}
