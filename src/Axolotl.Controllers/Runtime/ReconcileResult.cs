namespace Axolotl.Controllers.Runtime;

public enum ReconcileOutcome
{
    /// <summary>Converged: forget the key's failures.</summary>
    Done,

    /// <summary>Not there yet: retry with the rate limiter's (growing) delay.</summary>
    Requeue,

    /// <summary>Look again after a fixed delay (e.g. a grace period ends), without counting a failure.</summary>
    RequeueAfter,
}

/// <summary>What a reconcile asks the controller to do with its key next.</summary>
public readonly record struct ReconcileResult(ReconcileOutcome Outcome, TimeSpan Delay)
{
    public static ReconcileResult Done { get; } = new(ReconcileOutcome.Done, TimeSpan.Zero);

    public static ReconcileResult Requeue { get; } = new(ReconcileOutcome.Requeue, TimeSpan.Zero);

    public static ReconcileResult RequeueAfter(TimeSpan delay) => new(ReconcileOutcome.RequeueAfter, delay);
}
