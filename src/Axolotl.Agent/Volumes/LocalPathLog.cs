using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Volumes;

internal static partial class LocalPathLog
{
    [LoggerMessage(EventId = 4801, Level = LogLevel.Information, Message = "removed the directory {Path} of deleted local-path volume {Volume}")]
    public static partial void Removed(ILogger logger, string path, string volume);

    [LoggerMessage(EventId = 4802, Level = LogLevel.Warning, Message = "could not remove the directory {Path} of deleted local-path volume {Volume}: {Error}")]
    public static partial void RemoveFailed(ILogger logger, string path, string volume, string error);
}
