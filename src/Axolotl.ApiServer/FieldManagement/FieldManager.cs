using System.Text.Json.Nodes;
using Axolotl.Api.ManagedFields;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.FieldManagement;

/// <summary>
/// kube-apiserver's field manager for our REST handlers: keeps metadata.managedFields on every write and
/// implements server-side apply on top of <see cref="FieldTracker"/>. Objects are JSON views as the handlers
/// hold them; managedFields are read from and written back to their metadata.
/// </summary>
public sealed class FieldManager(TimeProvider clock)
{
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    // kubectl's own manager for `apply --server-side`; only it keeps the client-side annotation in step.
    private const string KubectlManager = "kubectl";

    // upstream drops the annotation rather than store one beyond this size.
    private const int MaxLastAppliedBytes = 256 * 1024;

    /// <summary>
    /// Records a create (<paramref name="live"/> null) or an update made by <paramref name="write"/>, and returns
    /// the object's managedFields after it (null for none). <paramref name="updated"/> is the decoded, defaulted
    /// object before mutating admission, without managedFields, as upstream's field manager sees it: what admission
    /// adds afterwards belongs to nobody. <paramref name="requested"/> is what the client sent for managedFields:
    /// honoured on the main resource (an empty list resets them), ignored on subresources.
    /// </summary>
    public JsonArray? TrackUpdate(ResourceType type, FieldWrite write, JsonObject? live, JsonObject updated, JsonNode? requested)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(updated);
        var managers = Base(write.Subresource, live, requested);
        // An object nobody tracks stays untracked until someone applies to it (upstream's skipNonAppliedManager);
        // that is also how a reset clears the list.
        if (live is not null && managers.Count == 0)
        {
            return null;
        }
        var writer = new ManagerEntry(write.Manager, ManagerEntry.Update, type.ApiVersion, write.Subresource, new FieldSet());
        // The live object's managedFields compare as removed, which changes no one's set (they are nobody's).
        FieldTracker.Update(managers, live ?? [], updated, FieldType.ForObject(type.ClrType), writer, Filter(type, write.Subresource),
            clock.GetUtcNow(), Compared(type, write.Subresource));
        return ManagedFieldsCodec.Encode(managers.Values);
    }

    /// <summary>
    /// Applies <paramref name="config"/> for <paramref name="write"/>'s manager to <paramref name="live"/> (null:
    /// the object does not exist yet) and returns the object to store, with its managedFields.
    /// Throws a 409 Conflict naming the other owners of changed fields unless <paramref name="force"/>.
    /// </summary>
    public JsonObject Apply(ResourceType type, FieldWrite write, bool force, JsonObject? live, JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(config);
        if ((config["metadata"] as JsonObject)?.ContainsKey("managedFields") == true)
        {
            throw ApiErrors.BadRequest("metadata.managedFields must be nil");
        }
        var version = config["apiVersion"] is JsonValue v && v.TryGetValue(out string? text) ? text : "";
        if (version != type.ApiVersion)
        {
            throw ApiErrors.BadRequest(
                $"Incorrect version specified in apply patch. Specified patch version: {version}, expected: {type.ApiVersion}");
        }
        ObjectMetaRules.CheckTypeMeta(type, (JsonObject)config.DeepClone(), type.Kind);
        ApplyOutcome outcome;
        try
        {
            outcome = ApplyOnce(type, write, force, live, config);
        }
        catch (ApplyConflictException e) when (write.Manager == KubectlManager && live is not null && LastApplied(live) is { } lastApplied)
        {
            // Switching from client-side to server-side apply: conflicts over fields the old configuration set
            // (and so what kubectl-client-side-apply owns) are expected; the rest are real.
            var allowed = LastAppliedFields(type, lastApplied);
            var remaining = e.Conflicts.Where(c => !allowed.Has(c.Path)).ToList();
            if (remaining.Count > 0)
            {
                throw Conflict(new ApplyConflictException(remaining));
            }
            outcome = ApplyOnce(type, write, force: true, live, config);
        }
        catch (ApplyConflictException e)
        {
            throw Conflict(e);
        }
        catch (FieldSetException e)
        {
            throw ApiErrors.BadRequest("failed to create typed patch object: " + e.Message);
        }
        var result = outcome.Object;
        if (write.Manager == KubectlManager && LastApplied(result) is not null)
        {
            SyncLastApplied(result, config);
        }
        return result;
    }

    private ApplyOutcome ApplyOnce(ResourceType type, FieldWrite write, bool force, JsonObject? live, JsonObject config)
    {
        var managers = Decode((live?["metadata"] as JsonObject)?["managedFields"]);
        var applier = new ManagerEntry(write.Manager, ManagerEntry.Apply, type.ApiVersion, write.Subresource, new FieldSet());
        var outcome = FieldTracker.Apply(managers, Bare(live ?? []), config, FieldType.ForObject(type.ClrType), applier,
            Filter(type, write.Subresource), force, clock.GetUtcNow());
        Store(outcome.Object, managers);
        return outcome;
    }

    /// <summary>upstream's decodeLiveOrNew: the client's list unless it is missing, empty of entries or invalid.</summary>
    private static Dictionary<string, ManagerEntry> Base(string? subresource, JsonObject? live, JsonNode? requested)
    {
        var liveFields = (live?["metadata"] as JsonObject)?["managedFields"];
        if (subresource is not null)
        {
            return Decode(liveFields);
        }
        if (ManagedFieldsCodec.IsReset(requested))
        {
            return new Dictionary<string, ManagerEntry>(StringComparer.Ordinal);
        }
        try
        {
            var fromRequest = ManagedFieldsCodec.Decode(requested);
            if (fromRequest.Count > 0)
            {
                return fromRequest;
            }
        }
        catch (FormatException)
        {
            // A list the server cannot read is not taken; the live entries stay (as upstream does).
        }
        return Decode(liveFields);
    }

    /// <summary>The live object's entries; their sets are read as the write needs them (the store holds what this server encoded).</summary>
    private static Dictionary<string, ManagerEntry> Decode(JsonNode? managedFields)
    {
        try
        {
            return ManagedFieldsCodec.Decode(managedFields, stored: true);
        }
        catch (FormatException)
        {
            return new Dictionary<string, ManagerEntry>(StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Fields a subresource resets: the main resource does not own status where a status subresource exists,
    /// and the status subresource owns nothing but status.
    /// </summary>
    private static Func<FieldSet, FieldSet> Filter(ResourceType type, string? subresource)
    {
        var status = PathElement.Field("status");
        return subresource switch
        {
            null when type.HasSubresource("status") => set => set.FilterTopLevel(pe => pe != status),
            "status" => set => set.FilterTopLevel(pe => pe == status),
            _ => set => set,
        };
    }

    /// <summary>The top-level fields <see cref="Filter"/> keeps: a status write compares only status, the rest no status.</summary>
    private static Func<string, bool>? Compared(ResourceType type, string? subresource) => subresource switch
    {
        null when type.HasSubresource("status") => static name => name != "status",
        "status" => static name => name == "status",
        _ => null,
    };

    private static JsonObject Bare(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        (copy["metadata"] as JsonObject)?.Remove("managedFields");
        return copy;
    }

    private static void Store(JsonObject obj, Dictionary<string, ManagerEntry> managers)
    {
        var meta = obj["metadata"] as JsonObject;
        if (meta is null)
        {
            meta = [];
            obj["metadata"] = meta;
        }
        if (ManagedFieldsCodec.Encode(managers.Values) is { } list)
        {
            meta["managedFields"] = list;
        }
        else
        {
            meta.Remove("managedFields");
        }
    }

    private static string? LastApplied(JsonObject obj) =>
        ((obj["metadata"] as JsonObject)?["annotations"] as JsonObject)?[LastAppliedAnnotation] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static FieldSet LastAppliedFields(ResourceType type, string lastApplied)
    {
        try
        {
            return StructuredMerge.ToFieldSet(JsonNode.Parse(lastApplied), FieldType.ForObject(type.ClrType), strict: false);
        }
        catch (System.Text.Json.JsonException)
        {
            return new FieldSet();
        }
    }

    /// <summary>kubectl's server-side apply keeps a client-side annotation in step, so switching back still works.</summary>
    private static void SyncLastApplied(JsonObject result, JsonObject config)
    {
        var applied = (JsonObject)config.DeepClone();
        if (applied["metadata"] is JsonObject meta && meta["annotations"] is JsonObject annotations)
        {
            annotations.Remove(LastAppliedAnnotation);
            if (annotations.Count == 0)
            {
                meta.Remove("annotations");
            }
        }
        var text = applied.ToJsonString() + "\n";
        var target = (JsonObject)((JsonObject)result["metadata"]!)["annotations"]!;
        if (System.Text.Encoding.UTF8.GetByteCount(text) > MaxLastAppliedBytes)
        {
            target.Remove(LastAppliedAnnotation);
        }
        else
        {
            target[LastAppliedAnnotation] = text;
        }
    }

    private static ApiException Conflict(ApplyConflictException e) =>
        ApiErrors.Make(409, "Conflict", e.Message, new StatusDetails
        {
            Causes = [.. e.Conflicts.Select(c => new StatusCause
            {
                Type = "FieldManagerConflict",
                Message = "conflict with " + c.Manager.Describe(),
                Field = c.PathText,
            })],
        });
}
