namespace Axolotl.Cel.Costs;

/// <summary>
/// Adds up the runtime cost of one evaluation step by step, as cel-go's cost tracker does for kube-apiserver, and stops
/// the evaluation at the first step that takes the total past the per-call limit. It also polls the cancellation token
/// and the deadline every few hundred steps, so that no evaluation can run past its wall-clock allowance even where the
/// cost model charges little for real work.
/// </summary>
/// <remarks>
/// <paramref name="sharedRemaining"/> is what is left of a budget shared with other rules, or null when there is none.
/// Upstream compares the rule's cost with that budget only after the rule stops; since the cost only grows, stopping as
/// soon as it is over the budget gives the same message sooner. A stop at the per-call limit that also passes the
/// budget reports the budget, as upstream checks the budget first.
/// </remarks>
internal sealed class CostTracker(long limit, long? sharedRemaining, TimeProvider time, long deadlineTimestamp, CancellationToken ct)
{
    public const string LimitExceeded = "operation cancelled: actual cost limit exceeded";
    public const string OutOfBudget = "validation failed due to running out of cost budget, no further validation rules will be run";

    private const int PollEvery = 256;
    private int _sincePoll;

    public long Used { get; private set; }

    public void Add(long cost)
    {
        Used = Saturating.Add(Used, cost);
        var overBudget = sharedRemaining is { } left && Used > left;
        if (Used > limit || overBudget)
        {
            throw new CelCostLimitExceededException(overBudget ? OutOfBudget : LimitExceeded);
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
