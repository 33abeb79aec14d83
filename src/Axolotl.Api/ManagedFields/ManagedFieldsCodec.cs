using System.Globalization;
using System.Text.Json.Nodes;

namespace Axolotl.Api.ManagedFields;

/// <summary>Reads and writes metadata.managedFields with upstream's rules for what a client may send.</summary>
public static class ManagedFieldsCodec
{
    /// <summary>
    /// True when a client asks to clear the managed fields: an empty list, or a list of one empty entry.
    /// A missing field (null) is not a reset: clients unaware of managedFields must not wipe them.
    /// </summary>
    public static bool IsReset(JsonNode? managedFields) => managedFields switch
    {
        JsonArray { Count: 0 } => true,
        JsonArray { Count: 1 } list => list[0] is JsonObject { Count: 0 },
        _ => false,
    };

    /// <summary>
    /// Decodes the entries keyed by manager identifier; throws <see cref="FormatException"/> for an invalid list.
    /// <paramref name="stored"/>: the list is the stored object's, which this server wrote, so each entry's fieldsV1 is
    /// read only when a write needs that manager's set (<see cref="ManagerEntry.Stored"/>).
    /// </summary>
    public static Dictionary<string, ManagerEntry> Decode(JsonNode? managedFields, bool stored = false)
    {
        var result = new Dictionary<string, ManagerEntry>(StringComparer.Ordinal);
        if (managedFields is null)
        {
            return result;
        }
        if (managedFields is not JsonArray list)
        {
            throw new FormatException("managedFields must be a list");
        }
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject entry)
            {
                throw new FormatException($"managed fields entry {i} must be an object");
            }
            var operation = Str(entry, "operation");
            if (operation is not (ManagerEntry.Apply or ManagerEntry.Update))
            {
                throw new FormatException("operation must be `Apply` or `Update`");
            }
            var apiVersion = Str(entry, "apiVersion");
            if (string.IsNullOrEmpty(apiVersion))
            {
                throw new FormatException("apiVersion must not be empty");
            }
            switch (Str(entry, "fieldsType"))
            {
                case "FieldsV1":
                    break;
                case null or "":
                    throw new FormatException($"missing fieldsType in managed fields entry {i}");
                case var other:
                    throw new FormatException($"invalid fieldsType \"{other}\" in managed fields entry {i}");
            }
            DateTimeOffset? time = null;
            if (Str(entry, "time") is { Length: > 0 } timeText)
            {
                if (!DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    throw new FormatException($"invalid time \"{timeText}\" in managed fields entry {i}");
                }
                time = parsed;
            }
            var decoded = stored && entry["fieldsV1"] is JsonObject fieldsV1
                ? ManagerEntry.Stored(Str(entry, "manager") ?? "", operation, apiVersion, Str(entry, "subresource"), fieldsV1, time)
                : new ManagerEntry(Str(entry, "manager") ?? "", operation, apiVersion, Str(entry, "subresource"), FieldSet.FromFieldsV1(entry["fieldsV1"]), time);
            result[decoded.Key] = decoded;
        }
        return result;
    }

    /// <summary>The entries in upstream's order (Apply before Update, then oldest first), or null when there are none.</summary>
    public static JsonArray? Encode(IEnumerable<ManagerEntry> entries)
    {
        var sorted = entries
            .Where(e => !e.IsEmpty)
            .OrderBy(e => e.Operation, StringComparer.Ordinal)
            .ThenBy(e => e.Time?.ToUnixTimeSeconds() ?? 0)
            .ThenBy(e => e.Manager, StringComparer.Ordinal)
            .ThenBy(e => e.ApiVersion, StringComparer.Ordinal)
            .ThenBy(e => e.Subresource ?? "", StringComparer.Ordinal)
            .Select(e => (JsonNode)e.ToJson())
            .ToArray();
        return sorted.Length == 0 ? null : new JsonArray(sorted);
    }

    private static string? Str(JsonObject obj, string name) =>
        obj[name] switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? s) => s,
            _ => throw new FormatException($"{name} must be a string"),
        };
}
