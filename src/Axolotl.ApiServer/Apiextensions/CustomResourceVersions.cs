using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>
/// Conversion strategy None between a CRD's versions (upstream's nopConverter): the object is the
/// same in every version, only apiVersion changes. Webhook conversion is refused when the CRD is written.
/// </summary>
public static class CustomResourceVersions
{
    /// <summary>
    /// <paramref name="obj"/> with apiVersion <paramref name="apiVersion"/>: itself when it already says so,
    /// else a copy (what is read may be shared with a watch cache and must not change).
    /// </summary>
    public static JsonObject Relabel(JsonObject obj, string apiVersion)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj["apiVersion"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && obj["apiVersion"]!.GetValue<string>() == apiVersion)
        {
            return obj;
        }
        var copy = (JsonObject)obj.DeepClone();
        copy["apiVersion"] = apiVersion;
        return copy;
    }
}
