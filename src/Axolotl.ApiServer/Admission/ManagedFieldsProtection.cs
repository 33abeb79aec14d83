using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.ManagedFields;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Upstream's managedFieldsValidatingAdmissionController around mutating admission: a plugin (in practice a
/// mutating webhook's patch) may change metadata.managedFields, and a valid change is kept; a list left invalid
/// is put back as it was before admission, with upstream's warning, and the request goes on.
/// </summary>
public static class ManagedFieldsProtection
{
    public const string InvalidAfterAdmissionWarning =
        ".metadata.managedFields was in an invalid state after admission; this could be caused by an outdated mutating admission controller; please fix your requests: ";

    /// <summary>Puts <paramref name="before"/> back on <paramref name="admitted"/> when admission left its managedFields invalid.</summary>
    public static void KeepValid(JsonElement? before, KubeObject admitted, ICollection<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(admitted);
        ArgumentNullException.ThrowIfNull(warnings);
        var after = admitted.Metadata.ManagedFields;
        if (Same(before, after))
        {
            return;
        }
        try
        {
            ManagedFieldsCodec.Decode(after is { } list ? JsonNode.Parse(list.GetRawText()) : null);
        }
        catch (FormatException e)
        {
            admitted.Metadata.ManagedFields = before;
            warnings.Add(InvalidAfterAdmissionWarning + e.Message);
        }
    }

    private static bool Same(JsonElement? before, JsonElement? after) =>
        (before, after) switch
        {
            (null, null) => true,
            ({ } a, { } b) => JsonElement.DeepEquals(a, b),
            _ => false,
        };
}
