using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// An agent started while its servers are down (a power cut brings the nodes back before the control
/// plane, a server is being replaced) waits for one, as the kubelet and k3s's agent do, instead of
/// exiting: each server in turn, then a pause (1 s doubling to 30 s), until one answers or the agent
/// is stopped. Only "no answer" is waited out (refused, unreachable, name not found, timed out): a TLS
/// failure or a refusal from a server is a configuration error and ends the start with its reason.
/// </summary>
internal static partial class ServerWait
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    /// <summary>The first of <paramref name="servers"/> (in order) for which <paramref name="attempt"/> got an answer, and its result.</summary>
    public static async Task<(Uri Server, T Result)> FirstAnsweringAsync<T>(
        IReadOnlyList<Uri> servers, Func<Uri, Task<T>> attempt, ILogger log, TimeProvider clock, CancellationToken ct)
    {
        var pause = FirstPause;
        while (true)
        {
            foreach (var server in servers)
            {
                try
                {
                    return (server, await attempt(server));
                }
                catch (Exception e) when (NoAnswer(e) && !ct.IsCancellationRequested)
                {
                    var reason = e.Message;
                    LogNoAnswer(log, server, reason);
                }
            }
            var seconds = pause.TotalSeconds;
            LogWaiting(log, servers.Count, seconds);
            await Task.Delay(pause, clock, ct);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }

    /// <summary>True when the server gave no answer at all; false for TLS failures and anything the server said.</summary>
    public static bool NoAnswer(Exception e) => e switch
    {
        HttpRequestException h => h.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError,
        TaskCanceledException t => t.InnerException is TimeoutException,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot reach the server at {Server}: {Reason}")]
    private static partial void LogNoAnswer(ILogger logger, Uri server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "none of the {Count} servers answered; trying again in {Seconds} s")]
    private static partial void LogWaiting(ILogger logger, int count, double seconds);
}
