using System.Globalization;
using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// spec.nodeSelector (every label must match) and the required node affinity (any term matches; within
/// a term every expression must): In, NotIn, Exists, DoesNotExist, Gt, Lt on labels and metadata.name fields.
/// </summary>
public sealed class NodeAffinity : IFilterPlugin
{
    public const string Reason = "node(s) didn't match Pod's node affinity/selector";

    public string Name => "NodeAffinity";

    public FilterResult Filter(Pod pod, NodeInfo node) =>
        Matches(pod, node.Node) ? FilterResult.Success : FilterResult.Unresolvable(Reason);

    public static bool Matches(Pod pod, Node node)
    {
        var labels = node.Metadata.Labels ?? [];
        foreach (var (key, value) in pod.Spec?.NodeSelector ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }
        var required = pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        if (required is null)
        {
            return true;
        }
        // Upstream: an empty term list matches nothing, an empty term matches nothing.
        return required.NodeSelectorTerms.Any(term => TermMatches(term, node, labels));
    }

    private static bool TermMatches(NodeSelectorTerm term, Node node, Dictionary<string, string> labels)
    {
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0)
        {
            return false;
        }
        var nodeFields = new Dictionary<string, string> { ["metadata.name"] = node.Metadata.Name ?? "" };
        return expressions.All(r => RequirementMatches(r, labels)) && fields.All(r => RequirementMatches(r, nodeFields));
    }

    private static bool RequirementMatches(NodeSelectorRequirement requirement, Dictionary<string, string> values)
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

    /// <summary>Sign of label value minus the single integer in <paramref name="wanted"/>; null when either is not an integer.</summary>
    private static int? Compare(string value, List<string> wanted)
    {
        if (wanted.Count != 1
            || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual)
            || !long.TryParse(wanted[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound))
        {
            return null;
        }
        return actual.CompareTo(bound);
    }
}
