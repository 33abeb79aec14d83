using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.NodeLifecycle;

internal static partial class NodeLifecycleLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "node {Node} sent no heartbeat for {Grace}; marked Unknown")]
    public static partial void NodeUnknown(ILogger logger, string node, TimeSpan grace);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "force-deleting pod {Namespace}/{Pod} bound to missing node {Node}")]
    public static partial void OrphanPod(ILogger logger, string? @namespace, string? pod, string node);
}
