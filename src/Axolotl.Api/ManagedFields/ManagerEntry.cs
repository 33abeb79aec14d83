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

    private FieldSet? _set;
    private readonly JsonObject? _stored;

    public ManagerEntry(string manager, string operation, string apiVersion, string? subresource, FieldSet set, DateTimeOffset? time = null)
        : this(manager, operation, apiVersion, subresource, time, stored: null)
    {
        _set = set;
    }

    private ManagerEntry(string manager, string operation, string apiVersion, string? subresource, DateTimeOffset? time, JsonObject? stored)
    {
        _stored = stored;
        Manager = manager;
        Operation = operation;
        ApiVersion = apiVersion;
        Subresource = string.IsNullOrEmpty(subresource) ? null : subresource;
        Time = time;
    }

    /// <summary>
    /// An entry as the store holds it, its fieldsV1 read only when a write needs its set: most writes touch one
    /// manager's fields (a status write, none of the spec's owners), and reading, sorting and writing back every other
    /// manager's set was most of the field manager's cost. <paramref name="fieldsV1"/> must be what this server's
    /// encoder wrote (canonical keys in order), and is not changed: an entry whose set is never read is written back as it was.
    /// </summary>
    public static ManagerEntry Stored(string manager, string operation, string apiVersion, string? subresource, JsonObject fieldsV1, DateTimeOffset? time) =>
        new(manager, operation, apiVersion, subresource, time, fieldsV1);

    public string Manager { get; }

    public string Operation { get; }

    public string ApiVersion { get; }

    public string? Subresource { get; }

    public FieldSet Set
    {
        get => _set ??= FieldSet.FromFieldsV1(_stored);
        set => _set = value;
    }

    /// <summary>Whether the entry owns no field (an empty set is dropped from the list).</summary>
    public bool IsEmpty => _set?.IsEmpty ?? _stored!.Count == 0;

    /// <summary>
    /// Whether the entry owns a field of <paramref name="other"/>, answered from the stored fieldsV1 while the set is
    /// unread: a key of <paramref name="other"/>'s tree that the stored object does not hold cannot be owned.
    /// </summary>
    public bool Overlaps(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _set?.Overlaps(other) ?? StoredOverlaps(_stored!, other);
    }

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
        obj["fieldsV1"] = _set is null ? _stored!.DeepClone() : _set.ToFieldsV1();
        if (Subresource is not null)
        {
            obj["subresource"] = Subresource;
        }
        return obj;
    }

    /// <summary>FieldSet.Overlaps over a fieldsV1 object: a member is a key whose value is empty or holds ".".</summary>
    private static bool StoredOverlaps(JsonObject stored, FieldSet other)
    {
        foreach (var pe in other.Members)
        {
            if (stored[pe.Encoded] is JsonObject value && (value.Count == 0 || value.ContainsKey(".")))
            {
                return true;
            }
        }
        foreach (var (pe, child) in other.Children)
        {
            if (stored[pe.Encoded] is JsonObject value && StoredOverlaps(value, child))
            {
                return true;
            }
        }
        return false;
    }

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public override string ToString() => Key;
}
