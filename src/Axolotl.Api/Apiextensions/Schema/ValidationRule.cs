using System.Text.Json.Nodes;

namespace Axolotl.Api.Apiextensions.Schema;

/// <summary>
/// One entry of a schema node's <c>x-kubernetes-validations</c>: a CEL rule over <c>self</c> (and <c>oldSelf</c>
/// for a transition rule), with what to report when it is false. Compiled and evaluated by the API server.
/// </summary>
public sealed record ValidationRule(string Rule, string Message, string MessageExpression, string? Reason, string FieldPath, bool? OptionalOldSelf)
{
    public static ValidationRule Parse(JsonObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new ValidationRule(Str(node, "rule"), Str(node, "message"), Str(node, "messageExpression"),
            node["reason"] is JsonValue r && r.TryGetValue(out string? reason) ? reason : null,
            Str(node, "fieldPath"),
            node["optionalOldSelf"] is JsonValue o && o.TryGetValue(out bool optional) ? optional : null);
    }

    /// <summary>
    /// The rule as Go's %#v prints upstream's internal ValidationRule: kube-apiserver puts it as the invalid value
    /// of a rule that does not compile, and kubectl users see it verbatim.
    /// </summary>
    public string GoSyntax() =>
        $"apiextensions.ValidationRule{{Rule:{Meta.GoValue.Quote(Rule)}, Message:{Meta.GoValue.Quote(Message)}, MessageExpression:{Meta.GoValue.Quote(MessageExpression)}, "
        + $"Reason:{(Reason is null ? "(*apiextensions.FieldValueErrorReason)(nil)" : $"\"{Reason}\"")}, FieldPath:{Meta.GoValue.Quote(FieldPath)}, "
        + $"OptionalOldSelf:{(OptionalOldSelf is { } b ? (b ? "true" : "false") : "(*bool)(nil)")}}}";

    private static string Str(JsonObject node, string name) => node[name] is JsonValue v && v.TryGetValue(out string? s) ? s : "";
}
