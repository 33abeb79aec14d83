using System.Text.Json.Nodes;
using Axolotl.Api.Resources;

namespace Axolotl.ApiServer.Printing;

/// <summary>What the volume printers share: upstream's access-mode abbreviations and quantity cells.</summary>
internal static class StorageFormat
{
    public const string Unset = "<unset>";

    /// <summary>GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, duplicates once.</summary>
    public static string AccessModes(JsonNode? modes)
    {
        var present = modes.Items().Select(m => m.Text()).ToHashSet(StringComparer.Ordinal);
        (string Mode, string Short)[] order = [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")];
        return string.Join(",", order.Where(o => present.Contains(o.Mode)).Select(o => o.Short));
    }

    /// <summary>Quantity.String() of a quantity cell; a missing one prints as "0", as Go's zero Quantity does.</summary>
    public static string Quantity(JsonNode? node)
    {
        var text = node.AsString();
        if (text is null)
        {
            return "0";
        }
        return Api.Resources.Quantity.TryParse(text, out var quantity) ? quantity.ToString() : text;
    }

    /// <summary>Phase, or Terminating once a deletion has begun.</summary>
    public static string Phase(JsonObject obj) =>
        obj.Get("metadata", "deletionTimestamp").Exists() ? "Terminating" : obj.Get("status", "phase").Text();

    /// <summary>The class a claim or volume names: the beta annotation wins over the field.</summary>
    public static string ClassName(JsonObject obj) =>
        obj.Get("metadata", "annotations").Get("volume.beta.kubernetes.io/storage-class").AsString() ?? obj.Get("spec", "storageClassName").Text();
}
