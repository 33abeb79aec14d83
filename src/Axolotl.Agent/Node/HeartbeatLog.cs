using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Node;

/// <summary>
/// A heartbeat fails every few seconds for as long as the API server is down: the first failure of a
/// run is a Warning, the retries are Debug, and the first success after them says so at Information.
/// </summary>
internal static partial class HeartbeatLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "node {Node}: {What} failed: {Error}; retrying in {Delay}, further failures at Debug")]
    public static partial void Failed(ILogger logger, string node, string what, string error, TimeSpan delay);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "node {Node}: {What} failed again ({Failures} in a row): {Error}; retrying in {Delay}")]
    public static partial void FailedAgain(ILogger logger, string node, string what, int failures, string error, TimeSpan delay);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "node {Node}: {What} works again after {Failures} failed attempts")]
    public static partial void Recovered(ILogger logger, string node, string what, int failures);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug, Message = "node {Node}: registration met a concurrent change of the Node (attempt {Attempt}); reading it again")]
    public static partial void RegistrationConflict(ILogger logger, string node, int attempt);
}
