namespace Axolotl.Cel;

/// <summary>Limits for one evaluation. The defaults are kube-apiserver's.</summary>
public sealed class CelEvaluationOptions
{
    /// <summary>kube-apiserver's <c>PerCallLimit</c>: the most one expression may cost.</summary>
    public const long KubernetesPerCallLimit = 1_000_000;

    public static readonly CelEvaluationOptions Default = new();

    public long CostLimit { get; init; } = KubernetesPerCallLimit;

    /// <summary>A budget shared with the other rules of the same request, charged with what this evaluation cost.</summary>
    public CelCostBudget? Budget { get; init; }

    /// <summary>
    /// A wall-clock guard besides the cost limit, so an undercounted operation still cannot hang a request. The per-call
    /// limit takes tens of milliseconds on an idle core; the default leaves room for a loaded machine.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public CancellationToken CancellationToken { get; init; }
}
