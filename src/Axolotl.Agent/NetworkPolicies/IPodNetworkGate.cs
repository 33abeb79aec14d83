namespace Axolotl.Agent.NetworkPolicies;

/// <summary>
/// Lets a pod's first container start only once the node's network policy covers the pod's address:
/// the pod worker tells the gate when the sandbox has its address, and waits; so no packet of a new pod
/// ever passes before the rules that isolate it are in the kernel.
/// </summary>
public interface IPodNetworkGate
{
    /// <summary>Returns once the rules for <paramref name="pod"/> at <paramref name="ip"/> are installed; throws when they could not be.</summary>
    Task CoverAsync(Api.Core.Pod pod, string ip, CancellationToken ct);

    /// <summary>The pod's sandbox is gone: its address may go to another pod.</summary>
    void Forget(string uid);
}
