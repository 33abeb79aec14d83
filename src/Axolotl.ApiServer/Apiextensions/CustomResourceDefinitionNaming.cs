using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Definitions;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>
/// Upstream's naming controller as a pure decision: the names a CRD asks for are accepted unless another
/// CRD of the same group has accepted one of them, or a built-in resource of the group uses it. The
/// reasons and messages are upstream's (PluralConflict, KindConflict, …; "\"widgets\" is already in use").
/// </summary>
public static class CustomResourceDefinitionNaming
{
    public sealed record Decision(JsonObject AcceptedNames, bool Accepted, string Reason, string Message);

    /// <param name="crd">The CRD to decide for.</param>
    /// <param name="others">Every other CRD (their status.acceptedNames are what they hold).</param>
    /// <param name="builtIns">The built-in resources.</param>
    public static Decision Decide(JsonObject crd, IEnumerable<JsonObject> others, IReadOnlyList<ResourceType> builtIns)
    {
        ArgumentNullException.ThrowIfNull(crd);
        var requested = CustomResourceTypes.RequestedNames(crd);
        var group = Str(crd["spec"] as JsonObject, "group");
        var previous = (crd["status"] as JsonObject)?["acceptedNames"] as JsonObject;
        var plurals = new HashSet<string>(StringComparer.Ordinal);
        var singulars = new HashSet<string>(StringComparer.Ordinal);
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        var listKinds = new HashSet<string>(StringComparer.Ordinal);
        var shortNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var other in others)
        {
            if (Str(other["spec"] as JsonObject, "group") != group || (other["status"] as JsonObject)?["acceptedNames"] is not JsonObject taken)
            {
                continue;
            }
            Add(plurals, Str(taken, "plural"));
            Add(singulars, Str(taken, "singular"));
            Add(kinds, Str(taken, "kind"));
            Add(listKinds, Str(taken, "listKind"));
            foreach (var s in Strings(taken["shortNames"]))
            {
                Add(shortNames, s);
            }
        }
        foreach (var builtIn in builtIns.Where(b => b.Group == group))
        {
            Add(plurals, builtIn.Plural);
            Add(singulars, builtIn.Singular);
            Add(kinds, builtIn.Kind);
            Add(listKinds, builtIn.ListKind);
            foreach (var s in builtIn.ShortNames)
            {
                Add(shortNames, s);
            }
        }
        var plural = Str(requested, "plural");
        var singular = Str(requested, "singular");
        string? reason = null;
        string? message = null;
        if (plurals.Contains(plural) || singulars.Contains(plural))
        {
            (reason, message) = ("PluralConflict", $"\"{plural}\" is already in use");
        }
        else if (singulars.Contains(singular) || plurals.Contains(singular))
        {
            (reason, message) = ("SingularConflict", $"\"{singular}\" is already in use");
        }
        else if (Strings(requested["shortNames"]).FirstOrDefault(s => shortNames.Contains(s) || plurals.Contains(s) || singulars.Contains(s)) is { } shortName)
        {
            (reason, message) = ("ShortNamesConflict", $"\"{shortName}\" is already in use");
        }
        else if (kinds.Contains(Str(requested, "kind")) || listKinds.Contains(Str(requested, "kind")))
        {
            (reason, message) = ("KindConflict", $"\"{Str(requested, "kind")}\" is already in use");
        }
        else if (listKinds.Contains(Str(requested, "listKind")) || kinds.Contains(Str(requested, "listKind")))
        {
            (reason, message) = ("ListKindConflict", $"\"{Str(requested, "listKind")}\" is already in use");
        }
        return reason is null
            ? new Decision(requested, true, "NoConflicts", "no conflicts found")
            : new Decision(previous?.DeepClone() as JsonObject ?? [], false, reason, message!);
    }

    private static void Add(HashSet<string> set, string value)
    {
        if (value.Length > 0)
        {
            set.Add(value);
        }
    }

    private static string Str(JsonObject? obj, string name) => obj?[name] is JsonValue v && v.TryGetValue(out string? s) ? s : "";

    private static IEnumerable<string> Strings(JsonNode? node) => node is JsonArray array ? array.Select(v => v?.ToString() ?? "") : [];
}
