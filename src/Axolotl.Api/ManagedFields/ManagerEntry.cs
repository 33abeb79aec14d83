using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.Api.ManagedFields;

/// <summary>
/// One metadata.managedFields entry: who (manager, operation, subresource) owns which fields. Entries are
/// identified as upstream identifies them: by manager, operation and subresource, plus the apiVersion for updates.
/// </summary>
public sealed class ManagerEntry
{
    public const string Apply = "Apply";
    public const string Update = "Update";

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ManagerEntry(string manager, string operation, string apiVersion, string? subresource, FieldSet set, DateTimeOffset? time = null)
    {
        Manager = manager;
        Operation = operation;
        ApiVersion = apiVersion;
        Subresource = string.IsNullOrEmpty(subresource) ? null : subresource;
        Set = set;
        Time = time;
    }

    public string Manager { get; }

    public string Operation { get; }

    public string ApiVersion { get; }

    public string? Subresource { get; }

    public FieldSet Set { get; set; }

    public DateTimeOffset? Time { get; set; }

    public bool Applied => Operation == Apply;

    /// <summary>upstream's manager identifier: the entry's JSON without fields, time, and (for appliers) apiVersion.</summary>
    public string Key
    {
        get
        {
            var obj = new JsonObject { ["manager"] = Manager, ["operation"] = Operation };
            if (!Applied)
            {
                obj["apiVersion"] = ApiVersion;
            }
            if (Subresource is not null)
            {
                obj["subresource"] = Subresource;
            }
            return obj.ToJsonString(Compact);
        }
    }

    /// <summary>How conflict messages name the manager: <c>"alice"</c>, or for updaters <c>"x" using apps/v1 at …</c>.</summary>
    public string Describe()
    {
        var text = JsonSerializer.Serialize(Manager, Compact);
        if (Subresource is not null)
        {
            text += " with subresource " + JsonSerializer.Serialize(Subresource, Compact);
        }
        if (Operation == Update)
        {
            text += " using " + ApiVersion;
            if (Time is { } time)
            {
                text += " at " + FormatTime(time);
            }
        }
        return text;
    }

    public ManagerEntry With(FieldSet set, DateTimeOffset? time) => new(Manager, Operation, ApiVersion, Subresource, set, time);

    public JsonObject ToJson()
    {
        var obj = new JsonObject
        {
            ["manager"] = Manager,
            ["operation"] = Operation,
            ["apiVersion"] = ApiVersion,
        };
        if (Time is { } time)
        {
            obj["time"] = FormatTime(time);
        }
        obj["fieldsType"] = "FieldsV1";
        obj["fieldsV1"] = Set.ToFieldsV1();
        if (Subresource is not null)
        {
            obj["subresource"] = Subresource;
        }
        return obj;
    }

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public override string ToString() => Key;
}
