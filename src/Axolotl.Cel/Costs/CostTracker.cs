namespace Axolotl.Cel.Costs;

/// <summary>
/// Counts the runtime cost of one evaluation and stops it when a limit is passed, as cel-go's actual-cost tracker does
/// for kube-apiserver. It also polls the cancellation token and the deadline every few hundred steps, so that no
/// evaluation can run past its wall-clock allowance even if the cost model undercounts something.
/// </summary>
/// <remarks><paramref name="sharedRemaining"/> is what is left of a budget shared with other rules, or null when there is none.</remarks>
internal sealed class CostTracker(long limit, long? sharedRemaining, TimeProvider time, long deadlineTimestamp, CancellationToken ct)
{
    private const int PollEvery = 256;
    private int _sincePoll;

    public long Used { get; private set; }

    public void Add(long cost)
    {
        Used += cost;
        if (Used > limit)
        {
            throw new CelCostLimitExceededException("operation cancelled: actual cost limit exceeded");
        }

        if (sharedRemaining is { } left && left - Used < 0)
        {
            throw new CelCostLimitExceededException("validation failed due to running out of cost budget, no further validation rules will be run");
        }

        if (++_sincePoll >= PollEvery)
        {
            _sincePoll = 0;
            Poll();
        }
    }

    private void Poll()
    {
        if (ct.IsCancellationRequested || time.GetTimestamp() > deadlineTimestamp)
        {
            throw new CelEvaluationCancelledException();
        }
    }
}

/// <summary>Raised inside the interpreter when the cost limit is passed; surfaced as Kubernetes' message.</summary>
internal sealed class CelCostLimitExceededException(string message) : Exception(message);

/// <summary>Raised inside the interpreter when the caller cancels or the deadline passes.</summary>
internal sealed class CelEvaluationCancelledException() : Exception("operation cancelled: evaluation deadline exceeded");
