using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.GarbageCollector;

internal static partial class GarbageCollectorLog
{
    [LoggerMessage(EventId = 7601, Level = LogLevel.Information, Message = "Garbage collector: deleting {Kind} {Namespace}/{Name} with propagationPolicy {Policy}: no owner keeps it")]
    public static partial void Deleting(ILogger logger, string kind, string? @namespace, string name, string policy);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Information, Message = "Garbage collector: removing ownerReferences {OwnerUids} from {Kind} {Namespace}/{Name}")]
    public static partial void RemovingOwnerReferences(ILogger logger, IEnumerable<string> ownerUids, string kind, string? @namespace, string name);

    [LoggerMessage(EventId = 7603, Level = LogLevel.Information, Message = "Garbage collector: removing finalizer {Finalizer} from {Kind} {Namespace}/{Name}")]
    public static partial void RemovingFinalizer(ILogger logger, string finalizer, string kind, string? @namespace, string name);

    [LoggerMessage(EventId = 7604, Level = LogLevel.Debug, Message = "Garbage collector: {Kind} {Namespace}/{Name} waits for {Count} blocking dependents")]
    public static partial void WaitingForDependents(ILogger logger, string kind, string? @namespace, string name, int count);

    [LoggerMessage(EventId = 7605, Level = LogLevel.Debug, Message = "Garbage collector: owner {Kind} {Namespace}/{Name} ({Uid}) does not exist")]
    public static partial void OwnerAbsent(ILogger logger, string kind, string? @namespace, string name, string uid);

    [LoggerMessage(EventId = 7606, Level = LogLevel.Debug, Message = "Garbage collector: cannot resolve owner kind {ApiVersion} {Kind}; leaving its dependents alone")]
    public static partial void Unresolvable(ILogger logger, string apiVersion, string kind);

    [LoggerMessage(EventId = 7607, Level = LogLevel.Information, Message = "Garbage collector: orphaning {Kind} {Namespace}/{Name} from owner {OwnerUid}")]
    public static partial void Orphaning(ILogger logger, string kind, string? @namespace, string name, string ownerUid);

    [LoggerMessage(EventId = 7608, Level = LogLevel.Information, Message = "Garbage collector: {Count} resource types synced, {Nodes} objects in the graph")]
    public static partial void Synced(ILogger logger, int count, int nodes);

    [LoggerMessage(EventId = 7609, Level = LogLevel.Information, Message = "Garbage collector: the served custom resources changed; rebuilding the graph")]
    public static partial void ResourcesChanged(ILogger logger);

    [LoggerMessage(EventId = 7610, Level = LogLevel.Warning, Message = "Garbage collector: discovery failed; following what is known")]
    public static partial void DiscoveryFailed(ILogger logger, Exception exception);
}
