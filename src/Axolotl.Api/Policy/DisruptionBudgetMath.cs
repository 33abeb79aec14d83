using System.Globalization;
using Axolotl.Api.Core;
using Selector = Axolotl.Api.Selectors.ParsedLabelSelector;

namespace Axolotl.Api.Policy;

/// <summary>
/// How a PodDisruptionBudget counts, shared by pods/eviction and the disruption controller (upstream's
/// disruption controller and eviction REST): which pods it covers, which of them are healthy, and how
/// many must stay healthy.
/// </summary>
public static class DisruptionBudgetMath
{
    /// <summary>minAvailable, or expected − maxUnavailable; percentages of the expected pods round up as upstream.</summary>
    public static int DesiredHealthy(PodDisruptionBudgetSpec spec, int expected)
    {
        if (spec.MaxUnavailable is { } maxUnavailable)
        {
            return Math.Max(0, expected - Scaled(maxUnavailable, expected));
        }
        return spec.MinAvailable is { } minAvailable ? Scaled(minAvailable, expected) : 0;
    }

    /// <summary>Ready and not being deleted.</summary>
    public static bool IsHealthy(Pod pod) =>
        pod.Metadata.DeletionTimestamp is null &&
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>Whether the budget covers the pod: a non-terminal pod its selector matches (a null selector matches nothing).</summary>
    public static bool Covers(PodDisruptionBudget budget, Pod pod) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed") && Matches(budget.Spec?.Selector, pod.Metadata.Labels);

    public static bool Matches(LabelSelector? selector, IReadOnlyDictionary<string, string>? labels)
    {
        if (selector is null)
        {
            return false;
        }
        try
        {
            return Selector.FromModel(selector).Matches(labels);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static int Scaled(IntOrString value, int expected)
    {
        if (value.TryGetInt(out var count))
        {
            return count;
        }
        return int.TryParse(value.StringValue.TrimEnd('%'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent)
            ? (int)Math.Ceiling(expected * percent / 100.0)
            : 0;
    }
}
