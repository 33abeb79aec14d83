namespace Axolotl.Cel.Costs;

/// <summary>What a function may use while it runs: the cost tracker (size-proportional costs) and a regex cache.</summary>
internal sealed class EvalState(CostTracker cost)
{
    public CostTracker Cost { get; } = cost;

    public Dictionary<string, System.Text.RegularExpressions.Regex> Regexes { get; } = new(StringComparer.Ordinal);
}
