using System.Globalization;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>Sets a CRD's status conditions the way upstream's controllers do: lastTransitionTime moves only when the status does.</summary>
public static class CustomResourceDefinitionConditions
{
    public const string NamesAccepted = "NamesAccepted";
    public const string Established = "Established";
    public const string Terminating = "Terminating";

    public static void Set(JsonObject status, string type, bool value, string reason, string message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var conditions = status["conditions"] as JsonArray ?? [];
        status["conditions"] = conditions;
        var text = value ? "True" : "False";
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.ToString() == type);
        if (existing is null)
        {
            existing = new JsonObject { ["type"] = type };
            conditions.Add(existing);
        }
        if (existing["status"]?.ToString() != text || existing["lastTransitionTime"] is null)
        {
            existing["lastTransitionTime"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
        existing["status"] = text;
        existing["reason"] = reason;
        existing["message"] = message;
    }

    public static bool IsTrue(JsonObject crd, string type) =>
        ((crd["status"] as JsonObject)?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => c["type"]?.ToString() == type && c["status"]?.ToString() == "True");
}
