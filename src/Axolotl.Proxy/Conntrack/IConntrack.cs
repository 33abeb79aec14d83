namespace Axolotl.Proxy.Conntrack;

/// <summary>The kernel's connection tracking table, as far as the service proxy uses it: list UDP entries, delete one, find one by its reply tuple.</summary>
public interface IConntrack
{
    /// <summary>The node's IPv4 UDP conntrack entries.</summary>
    Task<IReadOnlyList<ConntrackFlow>> ListUdpAsync(CancellationToken ct);

    /// <summary>Deletes <paramref name="flows"/>; an entry already gone is not an error. Returns how many were deleted.</summary>
    Task<int> DeleteAsync(IReadOnlyList<ConntrackFlow> flows, CancellationToken ct);

    /// <summary>
    /// The IPv4 entry whose reply direction goes <paramref name="replySource"/> → <paramref name="replyDestination"/> (an
    /// endpoint's socket's own address and its peer's), or null when there is none.
    /// </summary>
    Task<ConntrackFlow?> FindByReplyAsync(byte protocol, System.Net.IPEndPoint replySource, System.Net.IPEndPoint replyDestination, CancellationToken ct);
}
