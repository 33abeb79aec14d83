using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.StatefulSets;

internal static partial class StatefulSetLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "StatefulSet {Namespace}/{Name} is waiting for {What}")]
    public static partial void Waiting(ILogger logger, string? @namespace, string name, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "StatefulSet {Namespace}/{Name} has an invalid selector; leaving it alone")]
    public static partial void InvalidSelector(ILogger logger, Exception error, string? @namespace, string name);
}
