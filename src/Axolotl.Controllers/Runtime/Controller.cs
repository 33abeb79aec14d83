using Axolotl.Client;
using Axolotl.Client.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Runtime;

/// <summary>
/// A work queue plus N workers around one reconciler; the only place the queue policy lives:
/// an exception or <see cref="ReconcileResult.Requeue"/> retries with the rate limiter's backoff,
/// <see cref="ReconcileResult.RequeueAfter"/> forgets failures and looks again after the delay,
/// <see cref="ReconcileResult.Done"/> forgets failures. A key is never reconciled by two workers at once.
/// </summary>
public sealed class Controller<TKey>
    where TKey : notnull
{
    private readonly IReconciler<TKey> _reconciler;
    private readonly ILogger _logger;

    public Controller(string name, IReconciler<TKey> reconciler, TimeProvider time, ILogger? logger = null, IRateLimiter<TKey>? rateLimiter = null)
    {
        Name = name;
        _reconciler = reconciler;
        _logger = logger ?? NullLogger.Instance;
        Queue = new RateLimitingQueue<TKey>(rateLimiter ?? RateLimiters.DefaultController<TKey>(time), time) { Name = name };
    }

    public string Name { get; }

    public RateLimitingQueue<TKey> Queue { get; }

    public void Enqueue(TKey key) => Queue.Add(key);

    public void EnqueueAfter(TKey key, TimeSpan delay) => Queue.AddAfter(key, delay);

    /// <summary>Runs <paramref name="workers"/> workers until <paramref name="ct"/> fires, then shuts the queue and waits for them.</summary>
    public async Task RunAsync(int workers, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        ControllerLog.Starting(_logger, Name, workers);
        try
        {
            using (ct.Register(Queue.ShutDown))
            {
                var tasks = Enumerable.Range(0, workers)
                    .Select(_ => Task.Run(async () =>
                    {
                        while (await ProcessNextItemAsync(ct))
                        {
                        }
                    }, CancellationToken.None))
                    .ToArray();
                await Task.WhenAll(tasks);
            }
        }
        finally
        {
            // Workers may see the cancellation before the registration runs; the queue still ends here.
            Queue.ShutDown();
        }
        ControllerLog.Stopped(_logger, Name);
    }

    /// <summary>Takes one key (waiting for one if needed), reconciles it and applies the queue policy. False once shut down.</summary>
    public async Task<bool> ProcessNextItemAsync(CancellationToken ct)
    {
        TKey key;
        try
        {
            var (item, shutdown) = await Queue.GetAsync(ct);
            if (shutdown)
            {
                return false;
            }
            key = item;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            var result = await _reconciler.ReconcileAsync(key, ct);
            switch (result.Outcome)
            {
                case ReconcileOutcome.Requeue:
                    Queue.AddRateLimited(key);
                    break;
                case ReconcileOutcome.RequeueAfter:
                    Queue.Forget(key);
                    Queue.AddAfter(key, result.Delay);
                    break;
                default:
                    Queue.Forget(key);
                    break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the key is dropped with the queue.
        }
        catch (Exception e)
        {
            LogFailure(e, key);
            Queue.AddRateLimited(key);
        }
        finally
        {
            Queue.Done(key);
        }
        return true;
    }

    /// <summary>
    /// A conflict or a vanished object is optimistic concurrency doing its job (Debug); a refusal or an
    /// unreachable server is one line; only an unexpected exception, a bug, carries its stack trace.
    /// </summary>
    private void LogFailure(Exception e, TKey key)
    {
        var name = key.ToString() ?? "";
        var attempt = Queue.NumRequeues(key) + 1;
        switch (ApiFailures.Classify(e))
        {
            case ApiFailureKind.Race:
                ControllerLog.ReconcileRaced(_logger, Name, name, e.Message);
                break;
            case ApiFailureKind.Refused:
                ControllerLog.ReconcileRefused(_logger, Name, name, attempt, e.Message);
                break;
            default:
                ControllerLog.ReconcileFailed(_logger, e, Name, name, attempt);
                break;
        }
    }
}
