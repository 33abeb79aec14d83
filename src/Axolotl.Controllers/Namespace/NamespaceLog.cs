using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Namespace;

internal static partial class NamespaceLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Namespace {Namespace}: {Remaining} objects remain")]
    public static partial void ContentRemaining(ILogger logger, string @namespace, int remaining);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Namespace {Namespace}: empty; removing the kubernetes finalizer")]
    public static partial void Finalizing(ILogger logger, string @namespace);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Namespace {Namespace}: the server does not serve {Resource}; skipping it")]
    public static partial void ResourceNotServed(ILogger logger, string @namespace, string resource);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Namespace controller: deleting {Kind} {Namespace}/{Name}")]
    public static partial void Deleting(ILogger logger, string kind, string @namespace, string name);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Namespace {Namespace}: discovery failed; emptying the built-in resources only this time")]
    public static partial void DiscoveryFailed(ILogger logger, string @namespace, Exception exception);
}
