namespace Axolotl.Proxy.Conntrack;

/// <summary>The kernel's connection tracking table, as far as the service proxy uses it: list UDP entries, delete one.</summary>
public interface IConntrack
{
    /// <summary>The node's IPv4 UDP conntrack entries.</summary>
    Task<IReadOnlyList<ConntrackFlow>> ListUdpAsync(CancellationToken ct);

    /// <summary>Deletes <paramref name="flows"/>; an entry already gone is not an error. Returns how many were deleted.</summary>
    Task<int> DeleteAsync(IReadOnlyList<ConntrackFlow> flows, CancellationToken ct);
}
