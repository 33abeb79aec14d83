using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>
/// The small piece of label-selector matching that validation needs (does the selector select
/// the template's labels?), plus Go renderings of selector values for messages. General matching
/// lives in Axolotl.Api.Selectors.
/// </summary>
public static class SelectorMatch
{
    /// <summary>
    /// Converts a selector to a predicate as upstream's LabelSelectorAsSelector does: null selects
    /// nothing, an empty selector everything, and an unusable selector (bad operator) gives null.
    /// </summary>
    public static Func<IReadOnlyDictionary<string, string>, bool>? ToPredicate(LabelSelector? selector)
    {
        if (selector is null)
        {
            return _ => false;
        }
        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            if (requirement.Operator is not ("In" or "NotIn" or "Exists" or "DoesNotExist"))
            {
                return null;
            }
            if (requirement.Operator is "In" or "NotIn" && requirement.Values is null or { Count: 0 })
            {
                return null;
            }
        }
        return labels => Matches(selector, labels);
    }

    public static bool IsEmpty(LabelSelector? selector) =>
        selector is not null && (selector.MatchLabels?.Count ?? 0) + (selector.MatchExpressions?.Count ?? 0) == 0;

    public static bool Matches(LabelSelector selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in selector.MatchLabels ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }
        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(requirement.Key, out var actual);
            var ok = requirement.Operator switch
            {
                "In" => has && (requirement.Values ?? []).Contains(actual!),
                "NotIn" => !has || !(requirement.Values ?? []).Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Go's %#v of a metav1.LabelSelector value, as upstream prints it in "field is immutable" errors.</summary>
    public static GoValue.GoSyntax GoSyntax(LabelSelector? selector)
    {
        if (selector is null)
        {
            return new("(*v1.LabelSelector)(nil)");
        }
        var expressions = selector.MatchExpressions is null
            ? "[]v1.LabelSelectorRequirement(nil)"
            : "[]v1.LabelSelectorRequirement{" + string.Join(", ", selector.MatchExpressions.Select(r =>
                $"v1.LabelSelectorRequirement{{Key:{GoValue.Quote(r.Key)}, Operator:{GoValue.Quote(r.Operator)}, Values:{GoValue.StringSlice(r.Values)}}}")) + "}";
        return new($"v1.LabelSelector{{MatchLabels:{GoValue.StringMap(selector.MatchLabels)}, MatchExpressions:{expressions}}}");
    }

    /// <summary>Go's %#v of an intstr.IntOrString value.</summary>
    public static GoValue.GoSyntax GoSyntax(IntOrString value) =>
        new(value.IsInt
            ? $"intstr.IntOrString{{Type:0, IntVal:{value.IntValue}, StrVal:\"\"}}"
            : $"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{GoValue.Quote(value.StringValue)}}}");
}
