using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Selectors;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// One topology spread constraint as the scheduler evaluates it: the pods it counts (<see cref="Counts"/>:
/// in the pod's namespace, not terminating, matched by the selector with the matchLabelKeys values of
/// the pod merged in), whether the pod counts for itself, and which nodes' domains take part
/// (nodeAffinityPolicy Honor by default, nodeTaintsPolicy Ignore by default).
/// </summary>
public sealed class SpreadConstraint
{
    private readonly ParsedLabelSelector _selector;
    private readonly Func<Pod, bool> _counts;

    private SpreadConstraint(int maxSkew, string topologyKey, int minDomains, bool honorNodeAffinity, bool honorTaints, ParsedLabelSelector selector, Func<Pod, bool> counts, bool selfMatch)
    {
        _selector = selector;
        MaxSkew = maxSkew;
        TopologyKey = topologyKey;
        MinDomains = minDomains;
        HonorNodeAffinity = honorNodeAffinity;
        HonorTaints = honorTaints;
        _counts = counts;
        SelfMatch = selfMatch;
    }

    public int MaxSkew { get; }

    public string TopologyKey { get; }

    /// <summary>With fewer eligible domains than this, the global minimum counts as 0.</summary>
    public int MinDomains { get; }

    public bool HonorNodeAffinity { get; }

    public bool HonorTaints { get; }

    /// <summary>Whether the incoming pod itself matches the selector (it then adds one to the domain it goes to).</summary>
    public bool SelfMatch { get; }

    public bool IsHostname => TopologyKey == WellKnown.LabelHostname;

    public bool Counts(Pod existing) => _counts(existing);

    /// <summary>The pods on <paramref name="node"/> the constraint counts; <paramref name="node"/>'s label index narrows them to those its selector may match.</summary>
    public int CountOn(NodeInfo node)
    {
        // Loops rather than LINQ here and in HasAllKeys: both run for every node of every spread cycle.
        var count = 0;
        foreach (var pod in node.PodsThatMayMatch(_selector))
        {
            if (_counts(pod))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>The pod's own constraints with <paramref name="action"/> (DoNotSchedule or ScheduleAnyway).</summary>
    public static IReadOnlyList<SpreadConstraint> Explicit(Pod pod, string action)
    {
        var ns = pod.Metadata.Namespace ?? "";
        var result = new List<SpreadConstraint>();
        foreach (var c in pod.Spec?.TopologySpreadConstraints ?? [])
        {
            if (c.WhenUnsatisfiable != action)
            {
                continue;
            }
            var selector = Selector(c, pod.Metadata.Labels);
            result.Add(new SpreadConstraint(c.MaxSkew, c.TopologyKey, c.MinDomains ?? 1, c.NodeAffinityPolicy != "Ignore", c.NodeTaintsPolicy == "Honor", selector,
                other => other.Metadata.Namespace == ns && other.Metadata.DeletionTimestamp is null && selector.Matches(other.Metadata.Labels),
                selector.Matches(pod.Metadata.Labels)));
        }
        return result;
    }

    /// <summary>
    /// kube-scheduler's system default constraints (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway), counting
    /// the pods of the pod's namespace that <paramref name="selector"/> (<see cref="DefaultSpreadSelector"/>) matches.
    /// None when the selector is empty: the pod belongs to no Service and no replicated controller.
    /// </summary>
    public static IReadOnlyList<SpreadConstraint> SystemDefaults(Pod pod, ParsedLabelSelector selector)
    {
        if (selector.IsEmpty || selector.MatchesNothing)
        {
            return [];
        }
        var ns = pod.Metadata.Namespace ?? "";
        bool Counts(Pod other) => other.Metadata.Namespace == ns && other.Metadata.DeletionTimestamp is null && selector.Matches(other.Metadata.Labels);
        return
        [
            new SpreadConstraint(3, WellKnown.LabelHostname, 1, honorNodeAffinity: true, honorTaints: false, selector, Counts, selfMatch: true),
            new SpreadConstraint(5, WellKnown.LabelTopologyZone, 1, honorNodeAffinity: true, honorTaints: false, selector, Counts, selfMatch: true),
        ];
    }

    /// <summary>Whether <paramref name="node"/>'s domain takes part for <paramref name="pod"/> under the inclusion policies.</summary>
    public bool Includes(Pod pod, Node node)
    {
        if (HonorNodeAffinity && !NodeAffinity.Matches(pod, node))
        {
            return false;
        }
        return !HonorTaints || (node.Spec?.Taints ?? []).All(t => t.Effect is not ("NoSchedule" or "NoExecute") || Tolerations.AnyTolerates(pod.Spec?.Tolerations, t));
    }

    /// <summary>Whether the node carries every constraint's topology key.</summary>
    public static bool HasAllKeys(Node node, IReadOnlyList<SpreadConstraint> constraints)
    {
        var labels = node.Metadata.Labels;
        for (var i = 0; i < constraints.Count; i++)
        {
            if (labels is null || !labels.ContainsKey(constraints[i].TopologyKey))
            {
                return false;
            }
        }
        return true;
    }

    private static ParsedLabelSelector Selector(TopologySpreadConstraint constraint, IReadOnlyDictionary<string, string>? podLabels)
    {
        ParsedLabelSelector selector;
        try
        {
            selector = ParsedLabelSelector.FromModel(constraint.LabelSelector);
        }
        catch (FormatException)
        {
            return ParsedLabelSelector.Nothing;
        }
        var pinned = (constraint.MatchLabelKeys ?? [])
            .Where(k => podLabels?.ContainsKey(k) == true)
            .Select(k => LabelRequirement.Create(k, SelectionOperator.Equals, [podLabels![k]]))
            .ToArray();
        return pinned.Length == 0 ? selector : selector.Add(pinned);
    }
}
