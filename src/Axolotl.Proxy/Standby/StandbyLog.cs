using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Standby;

/// <summary>The kernel standby path's log lines (event ids 8401–8403, in the service proxy's range).</summary>
internal static partial class StandbyLog
{
    [LoggerMessage(EventId = 8401, Level = LogLevel.Information,
        Message = "Service proxy: kernel standby table ip {Table} installed ({Frontends} TCP frontends): while this process is down, new connections to them go straight to their last known endpoints")]
    public static partial void Installed(ILogger logger, string table, int frontends);

    [LoggerMessage(EventId = 8402, Level = LogLevel.Debug, Message = "Service proxy: kernel standby table ip {Table} updated ({Frontends} TCP frontends)")]
    public static partial void Updated(ILogger logger, string table, int frontends);

    [LoggerMessage(EventId = 8403, Level = LogLevel.Warning,
        Message = "Service proxy: no kernel standby path (nft refused table ip {Table}: {Errors}); Services answer only while this process runs")]
    public static partial void Unavailable(ILogger logger, string table, string errors);
}
