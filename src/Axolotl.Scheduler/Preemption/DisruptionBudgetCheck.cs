using Axolotl.Api.Core;
using Axolotl.Api.Policy;
using Axolotl.Api.Selectors;

namespace Axolotl.Scheduler.Preemption;

/// <summary>
/// Upstream's filterPodsWithPDBViolation: walks the would-be victims in order, spending each matching
/// budget's status.disruptionsAllowed; a victim that takes a budget below zero would violate it. A budget
/// with no selector or an empty one matches nothing, and a pod already in its disruptedPods has been
/// counted by the API server and spends nothing.
/// </summary>
public static class DisruptionBudgetCheck
{
    public static (List<Pod> Violating, List<Pod> NonViolating) Split(IEnumerable<Pod> victims, IReadOnlyList<PodDisruptionBudget> budgets)
    {
        var allowed = budgets.Select(b => b.Status?.DisruptionsAllowed ?? 0).ToArray();
        var selectors = budgets.Select(b => Selector(b.Spec?.Selector)).ToArray();
        var violating = new List<Pod>();
        var nonViolating = new List<Pod>();
        foreach (var pod in victims)
        {
            var violates = false;
            if (pod.Metadata.Labels is { Count: > 0 } labels)
            {
                for (var i = 0; i < budgets.Count; i++)
                {
                    var budget = budgets[i];
                    if (budget.Metadata.Namespace != pod.Metadata.Namespace || selectors[i] is not { } selector || !selector.Matches(labels)
                        || budget.Status?.DisruptedPods?.ContainsKey(pod.Metadata.Name ?? "") == true)
                    {
                        continue;
                    }
                    allowed[i]--;
                    violates |= allowed[i] < 0;
                }
            }
            (violates ? violating : nonViolating).Add(pod);
        }
        return (violating, nonViolating);
    }

    /// <summary>Null when the budget selects nothing: no selector, an empty one, or one that does not parse.</summary>
    private static ParsedLabelSelector? Selector(LabelSelector? selector)
    {
        if (selector is null)
        {
            return null;
        }
        try
        {
            var parsed = ParsedLabelSelector.FromModel(selector);
            return parsed.IsEmpty || parsed.MatchesNothing ? null : parsed;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
