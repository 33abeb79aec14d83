using System.Globalization;

namespace Axolotl.Api.Core;

/// <summary>
/// Whether a node satisfies a required NodeSelector (a PersistentVolume's node affinity): any term
/// matches; within a term every expression (labels) and field (metadata.name) must. An empty term
/// matches nothing, as upstream's MatchNodeSelectorTerms.
/// </summary>
public static class NodeSelectorMatch
{
    public static bool Matches(NodeSelector? selector, Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (selector is null)
        {
            return true;
        }
        var labels = node.Metadata.Labels ?? [];
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["metadata.name"] = node.Metadata.Name ?? "" };
        return selector.NodeSelectorTerms.Any(term =>
            (term.MatchExpressions is { Count: > 0 } || term.MatchFields is { Count: > 0 })
            && (term.MatchExpressions ?? []).All(r => Requirement(r, labels))
            && (term.MatchFields ?? []).All(r => Requirement(r, fields)));
    }

    private static bool Requirement(NodeSelectorRequirement requirement, Dictionary<string, string> values)
    {
        var present = values.TryGetValue(requirement.Key, out var value);
        var wanted = requirement.Values ?? [];
        return requirement.Operator switch
        {
            "In" => present && wanted.Contains(value!),
            "NotIn" => !present || !wanted.Contains(value!),
            "Exists" => present,
            "DoesNotExist" => !present,
            "Gt" => present && Compare(value!, wanted) is > 0,
            "Lt" => present && Compare(value!, wanted) is < 0,
            _ => false,
        };
    }

    private static int? Compare(string value, List<string> wanted) =>
        wanted.Count == 1
        && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual)
        && long.TryParse(wanted[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound)
            ? actual.CompareTo(bound)
            : null;
}
