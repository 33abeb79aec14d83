using Axolotl.Storage;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Registry;

/// <summary>
/// How a component inside the API server follows the store (client-go's Reflector, without HTTP):
/// list <see cref="ListPrefix"/>, hand the whole list to <c>replace</c>, watch
/// <see cref="WatchPrefix"/> from the list's revision and hand each change to <c>apply</c>. One failure
/// policy for every such component: a watch that fell behind (compaction, or dropped as too slow)
/// relists at once; any other error (the store, or the component's own callback) relists after a
/// backoff that doubles from <see cref="InitialBackoff"/> to <see cref="MaxBackoff"/> and resets once a
/// change was applied. It never stops for good; only <c>ct</c> ends <see cref="RunAsync"/>.
/// The callbacks run on the loop, one at a time, never concurrently.
/// </summary>
public sealed partial class StoreReflector(IStore store, string name, Action<StoreListResult> replace, Action<StoreEvent> apply, TimeProvider clock, ILogger logger)
{
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The prefix listed; "/" lists the whole store, so a component watching everything lists less.</summary>
    public required string ListPrefix { get; init; }

    /// <summary>The prefix watched; <see cref="ListPrefix"/> unless the component wants every change after its list.</summary>
    public string? WatchPrefix { get; init; }

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Completes when the first list was handed to <c>replace</c>.</summary>
    public Task Synced => _synced.Task;

    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = await store.ListAsync(ListPrefix, 0, null, ct);
                replace(list);
                _synced.TrySetResult();
                await foreach (var change in store.WatchAsync(WatchPrefix ?? ListPrefix, list.Revision, ct))
                {
                    apply(change);
                    failures = 0;
                }
                if (ct.IsCancellationRequested)
                {
                    return;
                }
                // The stream ends when the store is disposed, which only shutdown does; relist until then.
                failures++;
                LogWatchEnded(logger, name);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (CompactedException e)
            {
                // Fell behind: what it missed is gone from history, so relist. At once, unless it keeps happening.
                LogFellBehind(logger, name, e.RequestedRevision);
                if (failures++ == 0)
                {
                    continue;
                }
            }
            catch (Exception e)
            {
                failures++;
                LogFailed(logger, e, name, Backoff(failures));
            }
            try
            {
                await Task.Delay(Backoff(failures), clock, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>The wait before relist number <paramref name="failures"/> in a row: doubling, capped.</summary>
    public TimeSpan Backoff(int failures)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }
        var ticks = InitialBackoff.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        return ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Follower}: watch fell behind after revision {Revision}; relisting")]
    private static partial void LogFellBehind(ILogger logger, string follower, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Follower}: watch ended; relisting")]
    private static partial void LogWatchEnded(ILogger logger, string follower);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Follower}: list or watch failed; relisting in {Delay}")]
    private static partial void LogFailed(ILogger logger, Exception e, string follower, TimeSpan delay);
}
