using Axolotl.Api.Core;
using Axolotl.Client;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// The server's first request to itself over loopback TLS, before it announces readiness, so that the first client
/// is not the one that warms the path up. Only a warm-up: a server restarted under a storm of reconnecting nodes
/// (1,000 agents relisting at once) may not answer it in time, and that must not end the server (it once died of
/// an unhandled TimeoutException here). A failure is logged and the start goes on.
/// </summary>
public static partial class LoopbackWarmUp
{
    /// <returns>True when the server answered.</returns>
    public static async Task<bool> RunAsync(KubeClient client, ILogger log, CancellationToken ct)
    {
        try
        {
            await client.GetAsync<Namespace>(null, "default", ct);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is TimeoutException or HttpRequestException or KubeApiException or IOException)
        {
            LogUnanswered(log, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "the API server did not answer its own loopback warm-up request ({Reason}); starting anyway")]
    private static partial void LogUnanswered(ILogger logger, string reason);
}
