using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Deployments;

internal static partial class DeploymentLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Deployment {Namespace}/{Name} has an invalid selector; leaving it alone")]
    public static partial void InvalidSelector(ILogger logger, Exception exception, string? @namespace, string name);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Deployment {Namespace}/{Name}: hash collision on replica set {ReplicaSet}; collisionCount is now {CollisionCount}")]
    public static partial void HashCollision(ILogger logger, string? @namespace, string? name, string replicaSet, int collisionCount);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "Deployment {Namespace}/{Name}: deleting old replica set {ReplicaSet} beyond the revision history limit")]
    public static partial void CleaningUp(ILogger logger, string? @namespace, string? name, string? replicaSet);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Deployment {Namespace}/{Name} exceeded its progress deadline; no earlier revision was ever fully available, so it is not rolled back")]
    public static partial void NoRollbackTarget(ILogger logger, string? @namespace, string? name);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Deployment {Namespace}/{Name} exceeded its progress deadline: rolled back from revision {From} to revision {To}")]
    public static partial void RolledBack(ILogger logger, string? @namespace, string? name, long from, long to);
}
