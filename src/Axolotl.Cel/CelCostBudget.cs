namespace Axolotl.Cel;

/// <summary>
/// A cost budget shared by several evaluations, like kube-apiserver's <c>RuntimeCELCostBudget</c> (10,000,000) that all
/// the rules of one custom resource draw from. Not thread-safe: one admission request uses it on one thread.
/// </summary>
public sealed class CelCostBudget(long total)
{
    /// <summary>kube-apiserver's per-request budget for CRD validation rules.</summary>
    public const long KubernetesRuntimeBudget = 10_000_000;

    public long Remaining { get; private set; } = total;

    internal void Charge(long cost) => Remaining -= cost;
}
