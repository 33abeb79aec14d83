namespace Axolotl.Cel.Costs;

/// <summary>What a function may keep for the length of one evaluation: compiled regexes, by pattern.</summary>
internal sealed class EvalState
{
    public Dictionary<string, System.Text.RegularExpressions.Regex> Regexes { get; } = new(StringComparer.Ordinal);
}
