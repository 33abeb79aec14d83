using System.Globalization;
using Axolotl.Api.Core;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>
/// Upstream NodeShouldRunDaemonPod: whether a node should run a DaemonSet's pod (its node selector and
/// required node affinity match, and it tolerates the node's NoSchedule and NoExecute taints), and
/// whether a pod already there may stay (only untolerated NoExecute taints or a lost affinity evict).
/// Readiness and cordoning are not checked here: the daemon pod tolerates them.
/// </summary>
public static class NodeEligibility
{
    public static (bool ShouldRun, bool ShouldContinueRunning) Evaluate(Node node, PodSpec podSpec)
    {
        if (!MatchesNodeSelector(podSpec, node))
        {
            return (false, false);
        }
        var taints = node.Spec?.Taints ?? [];
        var shouldRun = true;
        foreach (var taint in taints)
        {
            if (taint.Effect is not ("NoSchedule" or "NoExecute") || TaintMatch.AnyTolerates(podSpec.Tolerations, taint))
            {
                continue;
            }
            if (taint.Effect == "NoExecute")
            {
                return (false, false);
            }
            shouldRun = false;
        }
        return (shouldRun, true);
    }

    /// <summary>spec.nodeSelector (every label) and the required node affinity (any term; within a term every requirement).</summary>
    public static bool MatchesNodeSelector(PodSpec spec, Node node)
    {
        var labels = node.Metadata.Labels ?? [];
        foreach (var (key, value) in spec.NodeSelector ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }
        var required = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        if (required is null)
        {
            return true;
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["metadata.name"] = node.Metadata.Name ?? "" };
        return required.NodeSelectorTerms.Any(term =>
            (term.MatchExpressions is { Count: > 0 } || term.MatchFields is { Count: > 0 })
            && (term.MatchExpressions ?? []).All(r => Matches(r, labels))
            && (term.MatchFields ?? []).All(r => Matches(r, fields)));
    }

    private static bool Matches(NodeSelectorRequirement requirement, Dictionary<string, string> values)
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
