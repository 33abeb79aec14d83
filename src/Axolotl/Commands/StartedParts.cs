using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// The parts a host has started so far, stopped in the reverse order. A part that fails to start stops
/// the ones before it and its exception goes on unchanged, so a failed start leaves no listener or loop
/// behind. Stopping goes on past a part whose stop throws: every part gets its stop, then the failure is
/// thrown (after a failed start it is only logged, the start's exception being the one that matters).
/// </summary>
public sealed partial class StartedParts(ILogger log) : IAsyncDisposable
{
    private readonly List<(string Name, Func<ValueTask> Stop)> _started = [];
    private int _stopped;

    /// <summary>Starts a part that <paramref name="stop"/> stops; <paramref name="start"/> returning null means there is nothing to stop.</summary>
    public async Task<T> StartAsync<T>(string name, Func<Task<T>> start, Func<T, ValueTask> stop)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) != 0, this);
        T part;
        try
        {
            part = await start();
        }
        catch (Exception)
        {
            // Not logged with the exception: it goes on to the caller, which reports it.
            LogStartFailed(log, name, _started.Count);
            await StopAllAsync(rethrow: false);
            throw;
        }
        if (part is not null)
        {
            _started.Add((name, () => stop(part)));
        }
        return part;
    }

    /// <summary>Starts a part that stops by being disposed.</summary>
    public Task<T> StartAsync<T>(string name, Func<Task<T>> start)
        where T : IAsyncDisposable? =>
        StartAsync(name, start, part => part!.DisposeAsync());

    /// <summary>Stops every part started, last first; a second call does nothing.</summary>
    public ValueTask DisposeAsync() => StopAllAsync(rethrow: true);

    private async ValueTask StopAllAsync(bool rethrow)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        List<Exception> failures = [];
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            var (name, stop) = _started[i];
            _started.RemoveAt(i);
            try
            {
                await stop();
            }
            catch (Exception e)
            {
                LogStopFailed(log, e, name);
                failures.Add(e);
            }
        }
        if (!rethrow || failures.Count == 0)
        {
            return;
        }
        if (failures.Count == 1)
        {
            ExceptionDispatchInfo.Throw(failures[0]);
        }
        throw new AggregateException("several parts failed to stop", failures);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Part} failed to start; stopping the {Count} parts started before it")]
    private static partial void LogStartFailed(ILogger logger, string part, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Part} failed to stop")]
    private static partial void LogStopFailed(ILogger logger, Exception exception, string part);
}
