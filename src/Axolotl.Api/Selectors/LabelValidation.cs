using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Selectors;

/// <summary>
/// The field.Error / aggregate formatting that label selector errors are wrapped in, so clients see the text kubectl
/// users know. The key and value checks themselves are <see cref="NameRules"/>' (the same ones object validation uses),
/// and values are rendered by <see cref="GoValue"/>.
/// </summary>
internal static class LabelValidation
{
    /// <summary>Problems with a label key ("qualified name"): <see cref="NameRules.QualifiedName"/>.</summary>
    public static List<string> LabelKeyErrors(string key) => NameRules.QualifiedName(key);

    /// <summary>A field.Invalid error as text: <c>path: Invalid value: "v": detail</c>.</summary>
    public static string Invalid(string path, string renderedValue, string detail) => $"{path}: Invalid value: {renderedValue}: {detail}";

    /// <summary>Several errors the way an upstream aggregate prints them: alone, or "[a, b]" without duplicates.</summary>
    public static string Aggregate(IReadOnlyList<string> messages)
    {
        var distinct = messages.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }
}
