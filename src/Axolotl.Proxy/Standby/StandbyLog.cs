using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Standby;

/// <summary>The kernel standby path's log lines (event ids 8401–8410, in the service proxy's range).</summary>
internal static partial class StandbyLog
{
    [LoggerMessage(EventId = 8401, Level = LogLevel.Information,
        Message = "Service proxy: kernel standby table ip {Table} installed ({Frontends} TCP frontends): while this process is down, new connections to them go straight to their last known endpoints")]
    public static partial void Installed(ILogger logger, string table, int frontends);

    [LoggerMessage(EventId = 8402, Level = LogLevel.Debug, Message = "Service proxy: kernel standby table ip {Table} updated ({Frontends} TCP frontends)")]
    public static partial void Updated(ILogger logger, string table, int frontends);

    [LoggerMessage(EventId = 8406, Level = LogLevel.Debug,
        Message = "Service proxy: kernel table ip {Table}: applied as a change of {Lines} lines ({Elements} map elements now)")]
    public static partial void ChangesApplied(ILogger logger, string table, int lines, int elements);

    [LoggerMessage(EventId = 8407, Level = LogLevel.Information,
        Message = "Service proxy: kernel table ip {Table}: deleted {Flows} UDP conntrack entries that kept clients on an endpoint their Service no longer has")]
    public static partial void UdpFlowsDeleted(ILogger logger, string table, int flows);

    [LoggerMessage(EventId = 8408, Level = LogLevel.Warning,
        Message = "Service proxy: kernel table ip {Table}: cannot delete stale UDP conntrack entries over ctnetlink ({Error}); UDP Services go back to the relay (which forgets a flow when its endpoint goes), TCP stays in the kernel")]
    public static partial void ConntrackUnavailable(ILogger logger, string table, string error);

    [LoggerMessage(EventId = 8409, Level = LogLevel.Information,
        Message = "Service proxy: kernel table ip {Table}: this process has {Limit} or more descriptors open, too many for libnftables' select() (FD_SETSIZE 1024, which aborts the process above it); writing with `nft -f` until fewer are open")]
    public static partial void LibraryDeferred(ILogger logger, string table, int limit);

    [LoggerMessage(EventId = 8410, Level = LogLevel.Warning,
        Message = "Service proxy: kernel standby table ip {Table} written without its conntrack timeout policy for relay connections (nft: {Errors}): while this process is down, a client reusing the port of a connection its death reset may be refused for up to 10 s")]
    public static partial void NoRelayFlowPolicy(ILogger logger, string table, string errors);

    [LoggerMessage(EventId = 8403, Level = LogLevel.Warning,
        Message = "Service proxy: no kernel standby path (nft refused table ip {Table}: {Errors}); Services answer only while this process runs")]
    public static partial void Unavailable(ILogger logger, string table, string errors);

    [LoggerMessage(EventId = 8404, Level = LogLevel.Information,
        Message = "Service proxy (--proxy-mode nftables): table ip {Table} installed: the kernel DNATs {Kernel} TCP and UDP frontends, sessionAffinity ClientIP included (no replay of a connection whose pod dies before answering); 127.0.0.1 node ports and the cluster DNS stay on the relay")]
    public static partial void KernelInstalled(ILogger logger, string table, int kernel);

    [LoggerMessage(EventId = 8405, Level = LogLevel.Warning,
        Message = "Service proxy: --proxy-mode nftables is NOT in effect (nft refused table ip {Table}: {Errors}); the relay serves every Service")]
    public static partial void KernelUnavailable(ILogger logger, string table, string errors);
}
