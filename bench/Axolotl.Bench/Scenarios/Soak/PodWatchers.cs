using System.Diagnostics;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// 200 watches on the namespace's pods, each on a connection of its own, kept open for the whole soak:
/// a watch that breaks is opened again after a second (as client-go's reflector would, relisting
/// through the watch's initial events). A failed open while the server is up counts as a failed request;
/// a watch the server ends while up is counted apart (servers end watches on a timeout by design).
/// </summary>
internal sealed class PodWatchers(Kubeconfig config, bool http2, ServerOutage outage, FailureCount failures)
{
    public const int Count = 200;
    private const string Path = $"/api/v1/namespaces/{SoakWorkload.Namespace}/pods?watch=true";
    private static readonly TimeSpan Reopen = TimeSpan.FromSeconds(1);
    private long _events;
    private long _endedWhileUp;

    public long EventsReceived => Interlocked.Read(ref _events);
    public long EndedWhileUp => Interlocked.Read(ref _endedWhileUp);

    /// <summary>Opens the watches one after another (the first pass), then keeps them open until <paramref name="ct"/> ends.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var watchers = new List<Task>(Count);
        for (var i = 0; i < Count && !ct.IsCancellationRequested; i++)
        {
            var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            watchers.Add(Task.Run(() => WatchAsync(opened, ct), CancellationToken.None));
            await opened.Task.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await Task.WhenAll(watchers);
    }

    private async Task WatchAsync(TaskCompletionSource firstOpen, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            var ended = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
            var reader = new WatchEventReader(ApiClient.ForStreaming(config, http2));
            try
            {
                await reader.StartAsync(Path, Stopwatch.GetTimestamp, (_, _, _) => Interlocked.Increment(ref _events), e => ended.TrySetResult(e), ct);
                failures.Succeeded();
                firstOpen.TrySetResult();
                await ended.Task.WaitAsync(ct);
                if (!outage.OverlapsUntilNow(started))
                {
                    Interlocked.Increment(ref _endedWhileUp);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                failures.Failed(outage.OverlapsUntilNow(started), "watch open: " + e.GetType().Name);
                firstOpen.TrySetResult();
            }
            finally
            {
                await reader.DisposeAsync();
            }
            await Task.Delay(Reopen, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        firstOpen.TrySetResult();
    }
}
