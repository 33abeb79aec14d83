using System.Diagnostics;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// Clients that list back to back, each on its own connection: every pod in the cluster, then the crash
/// loopers by label selector, then the events. What a dashboard or a careless script does all day.
/// </summary>
internal static class ListFlood
{
    public const int Clients = 2;
    private static readonly string[] Paths =
    [
        "/api/v1/pods",
        $"/api/v1/namespaces/{SoakWorkload.Namespace}/pods?labelSelector=app%3D{SoakWorkload.CrashApp}",
        "/api/v1/events",
    ];

    public static Task RunAsync(Kubeconfig config, bool http2, ServerOutage outage, FailureCount failures, CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(() => ClientAsync(config, http2, outage, failures, ct), CancellationToken.None)));

    private static async Task ClientAsync(Kubeconfig config, bool http2, ServerOutage outage, FailureCount failures, CancellationToken ct)
    {
        using var api = new ApiClient(config, http2, TimeSpan.FromSeconds(30));
        for (var i = 0; !ct.IsCancellationRequested; i++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await api.GetAsync(Paths[i % Paths.Length], ct);
                failures.Succeeded();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                failures.Failed(outage.OverlapsUntilNow(started), "list: " + Reason(e));
                await Task.Delay(100, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private static string Reason(Exception e) => e is HttpRequestException { StatusCode: { } code } ? ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture)
        : e.Message.Length > 80 ? e.Message[..80] : e.Message;
}
