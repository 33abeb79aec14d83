using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.ReplicaSets;

internal static partial class ReplicaSetLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "{Kind} {Namespace}/{Name} has an invalid selector; leaving it alone")]
    public static partial void InvalidSelector(ILogger logger, Exception exception, string kind, string? @namespace, string name);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "{Kind} {Namespace}/{Name}: {Have} of {Want} pods; creating {Count}")]
    public static partial void TooFewReplicas(ILogger logger, string kind, string? @namespace, string? name, int have, int want, int count);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "{Kind} {Namespace}/{Name}: {Have} of {Want} pods; deleting {Count}")]
    public static partial void TooManyReplicas(ILogger logger, string kind, string? @namespace, string? name, int have, int want, int count);
}
