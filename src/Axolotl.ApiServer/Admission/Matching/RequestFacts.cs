using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Admission.Matching;

/// <summary>
/// What admission webhooks' and ValidatingAdmissionPolicies' rules and selectors look at in a request, taken from
/// <see cref="AdmissionAttributes"/> once, so matching is a pure function (table-driven tests need no request).
/// Namespace is "" for a cluster-scoped object; for a Namespace object it is the namespace's own name, as upstream's
/// attributes have it. Name is "" for a create whose name the server generates.
/// </summary>
public sealed record RequestFacts(
    string Operation,
    string Group,
    string Version,
    string Resource,
    string Subresource,
    string Namespace,
    IReadOnlyDictionary<string, string>? ObjectLabels,
    IReadOnlyDictionary<string, string>? OldObjectLabels)
{
    public string Name { get; init; } = "";

    public bool IsNamespaceObject => Group.Length == 0 && Resource == "namespaces";

    /// <summary>The facts of <paramref name="attributes"/> with <paramref name="obj"/> as the object written (null for a delete).</summary>
    public static RequestFacts From(AdmissionAttributes attributes, JsonObject? obj)
    {
        var type = attributes.Type;
        var isNamespace = type.Group.Length == 0 && type.Plural == "namespaces";
        var name = AdmissionReviewRequest.NameOf(attributes, obj ?? attributes.OldObject);
        var ns = isNamespace ? name : attributes.Namespace ?? "";
        return new RequestFacts(AdmissionReviewRequest.OperationName(attributes.Operation), type.Group, type.Version, type.Plural,
            attributes.Subresource ?? "", ns, Labels(obj), Labels(attributes.OldObject))
        {
            Name = name,
        };
    }

    /// <summary>An object's labels; null when there is no object, empty when it has none.</summary>
    public static IReadOnlyDictionary<string, string>? Labels(JsonObject? obj)
    {
        if (obj is null)
        {
            return null;
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?["labels"] is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    labels[key] = text;
                }
            }
        }
        return labels;
    }
}
