using Microsoft.Extensions.Logging;

namespace Axolotl.Hosting;

/// <summary>
/// The one base for long-running loops. <see cref="Start"/> returns at once and runs the body on the
/// thread pool, cancelled when the host stops or <see cref="StopAsync"/> is called. When the body
/// throws, <see cref="FailurePolicy"/> decides: restart with backoff (reset after a healthy run of
/// <see cref="BackoffResetAfter"/>) or fail fast (fault <see cref="Completion"/>). A body that returns
/// normally ends the loop.
/// </summary>
public abstract class BackgroundLoop : IAsyncDisposable
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _stopping;
    private int _restarts;

    protected BackgroundLoop(string name, LoopFailurePolicy failurePolicy, TimeProvider time, ILogger logger)
    {
        Name = name;
        FailurePolicy = failurePolicy;
        Time = time;
        Logger = logger;
    }

    public string Name { get; }

    public LoopFailurePolicy FailurePolicy { get; }

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A run that lasted this long before failing starts the backoff from the beginning again.</summary>
    public TimeSpan BackoffResetAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Completes when the loop has ended; faulted when a fail-fast loop failed.</summary>
    public Task Completion => _completion.Task;

    public int Restarts => Volatile.Read(ref _restarts);

    protected TimeProvider Time { get; }

    protected ILogger Logger { get; }

    /// <summary>Starts the loop off the caller's path; <paramref name="hostStopping"/> stops it.</summary>
    public void Start(CancellationToken hostStopping)
    {
        var stopping = CancellationTokenSource.CreateLinkedTokenSource(hostStopping);
        if (Interlocked.CompareExchange(ref _stopping, stopping, null) is not null)
        {
            stopping.Dispose();
            throw new InvalidOperationException($"loop {Name} was already started");
        }
        _ = Task.Run(() => RunAsync(stopping.Token), CancellationToken.None);
    }

    /// <summary>Cancels the body and waits for the loop to end (a fail-fast fault is not rethrown here).</summary>
    public async Task StopAsync()
    {
        var stopping = Volatile.Read(ref _stopping);
        if (stopping is null)
        {
            return;
        }
        // Stopped before (and perhaps disposed since): cancelling again would throw.
        if (!stopping.IsCancellationRequested)
        {
            await stopping.CancelAsync();
        }
        try
        {
            await Completion;
        }
        catch (Exception)
        {
            // Already logged when it happened; Completion still carries it for whoever watches.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The loop's body: run until <paramref name="ct"/> fires.</summary>
    protected abstract Task ExecuteAsync(CancellationToken ct);

    private async Task RunAsync(CancellationToken ct)
    {
        var backoff = new ExponentialBackoff(InitialBackoff, MaxBackoff);
        HostingLog.LoopStarted(Logger, Name);
        while (true)
        {
            var started = Time.GetTimestamp();
            try
            {
                await ExecuteAsync(ct);
                break;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                if (FailurePolicy == LoopFailurePolicy.FailFast)
                {
                    HostingLog.LoopFailedFast(Logger, e, Name);
                    _completion.TrySetException(e);
                    return;
                }
                if (Time.GetElapsedTime(started) >= BackoffResetAfter)
                {
                    backoff.Reset();
                }
                var delay = backoff.Next();
                HostingLog.LoopRestarting(Logger, e, Name, delay, Interlocked.Increment(ref _restarts));
                try
                {
                    await Task.Delay(delay, Time, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }
            }
        }
        HostingLog.LoopStopped(Logger, Name);
        _completion.TrySetResult();
    }
}
