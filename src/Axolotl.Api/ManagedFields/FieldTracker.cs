using System.Text.Json.Nodes;

namespace Axolotl.Api.ManagedFields;

/// <summary>
/// Who owns which fields, updated for one write: an update takes every field it changes from everyone else;
/// an apply owns exactly the fields of its configuration, conflicts with other owners of values it changes
/// (unless forced), and removes fields it stopped applying that nobody else owns. Objects passed in are not
/// changed, and their managedFields are nobody's; <paramref name="managers"/> is changed in place.
/// </summary>
public static class FieldTracker
{
    /// <summary>upstream's cap on update entries; older ones are merged into <see cref="AncientChanges"/>.</summary>
    public const int MaxUpdateManagers = 10;

    public const string AncientChanges = "ancient-changes";

    // Fields the server owns; nobody manages them (upstream's stripMetaManager).
    private static readonly FieldSet Stripped = FieldSet.Of(
        [PathElement.Field("apiVersion")],
        [PathElement.Field("kind")],
        [PathElement.Field("metadata")],
        Meta("name"), Meta("namespace"), Meta("creationTimestamp"), Meta("selfLink"), Meta("uid"), Meta("clusterName"),
        Meta("generation"), Meta("managedFields"), Meta("resourceVersion"));

    /// <param name="topLevel">
    /// The object's own fields <paramref name="filter"/> keeps (null: all), so the rest is not compared at all.
    /// </param>
    public static void Update(
        Dictionary<string, ManagerEntry> managers, JsonObject live, JsonObject updated, FieldType type,
        ManagerEntry writer, Func<FieldSet, FieldSet> filter, DateTimeOffset now, Func<string, bool>? topLevel = null)
    {
        ArgumentNullException.ThrowIfNull(managers);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(filter);
        var compare = StructuredMerge.Compare(live, updated, type, topLevel);
        var changed = filter(compare.Changed);
        var removed = filter(compare.Removed);
        foreach (var entry in managers.Values)
        {
            // Most writes touch few owners' fields (a status write, none of the spec's owners): copy only the sets they change.
            if (entry.Overlaps(changed) || entry.Overlaps(removed))
            {
                entry.Set = entry.Set.Difference(changed).Difference(removed);
            }
        }
        var taken = changed.Difference(Stripped);
        if (!taken.IsEmpty)
        {
            var key = writer.Key;
            if (managers.TryGetValue(key, out var previous))
            {
                // Entries are decoded for this one write: the writer's own set may grow in place.
                previous.Set.UnionWith(taken);
                previous.Time = now;
            }
            else
            {
                managers[key] = writer.With(taken, now);
            }
        }
        Finish(managers);
    }

    public static ApplyOutcome Apply(
        Dictionary<string, ManagerEntry> managers, JsonObject live, JsonObject config, FieldType type,
        ManagerEntry applier, Func<FieldSet, FieldSet> filter, bool force, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(managers);
        ArgumentNullException.ThrowIfNull(applier);
        ArgumentNullException.ThrowIfNull(filter);
        var configSet = filter(StructuredMerge.ToFieldSet(config, type, strict: true)).Difference(Stripped);
        var merged = StructuredMerge.Merge(live, config, type) as JsonObject ?? [];
        var key = applier.Key;
        var previous = managers.GetValueOrDefault(key);
        managers[key] = applier.With(configSet, previous?.Time);
        if (previous is { Set.IsEmpty: false })
        {
            var owned = new FieldSet();
            foreach (var entry in managers.Values)
            {
                owned.UnionWith(entry.Set);
            }
            var toRemove = previous.Set.EnsureNamedFieldsAreMembers(type).Difference(owned.EnsureNamedFieldsAreMembers(type));
            merged = StructuredMerge.RemoveItems(merged, toRemove, type) as JsonObject ?? [];
        }

        var compare = StructuredMerge.Compare(live, merged, type);
        var changed = filter(compare.Changed);
        var removed = filter(compare.Removed);
        var conflicts = new List<ApplyConflict>();
        foreach (var (otherKey, other) in managers.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (otherKey != key)
            {
                conflicts.AddRange(other.Set.Intersection(changed).Paths().Select(p => new ApplyConflict(other, p)));
            }
        }
        if (conflicts.Count > 0 && !force)
        {
            throw new ApplyConflictException(conflicts);
        }
        foreach (var (otherKey, other) in managers)
        {
            if (otherKey != key)
            {
                other.Set = other.Set.Difference(changed).Difference(removed);
            }
        }
        if (!compare.IsSame)
        {
            managers[key].Time = now;
        }
        Finish(managers);
        return new ApplyOutcome(merged, !compare.IsSame);
    }

    /// <summary>Drops server-owned fields and empty entries, then caps the number of update entries.</summary>
    public static void Finish(Dictionary<string, ManagerEntry> managers)
    {
        ArgumentNullException.ThrowIfNull(managers);
        foreach (var (key, entry) in managers.ToList())
        {
            if (entry.Overlaps(Stripped))
            {
                entry.Set = entry.Set.Difference(Stripped);
            }
            if (entry.IsEmpty)
            {
                managers.Remove(key);
            }
        }
        CapUpdateManagers(managers);
    }

    /// <summary>
    /// Keeps at most <see cref="MaxUpdateManagers"/> update entries: the oldest are merged, per apiVersion, into
    /// one "ancient-changes" entry that carries the time of the newest change merged into it.
    /// </summary>
    private static void CapUpdateManagers(Dictionary<string, ManagerEntry> managers)
    {
        var updaters = managers.Values.Where(e => !e.Applied).ToList();
        if (updaters.Count <= MaxUpdateManagers)
        {
            return;
        }
        updaters.Sort((a, b) =>
        {
            var byTime = (a.Time?.ToUnixTimeSeconds() ?? 0).CompareTo(b.Time?.ToUnixTimeSeconds() ?? 0);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Key, b.Key);
        });
        var firstPerVersion = new Dictionary<string, string>(StringComparer.Ordinal);
        var length = updaters.Count;
        for (var i = 0; i < updaters.Count && length > MaxUpdateManagers; i++)
        {
            var entry = updaters[i];
            var bucket = new ManagerEntry(AncientChanges, ManagerEntry.Update, entry.ApiVersion, null, new FieldSet());
            var bucketKey = bucket.Key;
            if (entry.Key == bucketKey || !firstPerVersion.TryGetValue(entry.ApiVersion, out var first))
            {
                firstPerVersion.TryAdd(entry.ApiVersion, entry.Key);
                continue;
            }
            if (!managers.TryGetValue(bucketKey, out var existing))
            {
                var firstEntry = managers[first];
                managers.Remove(first);
                existing = bucket.With(firstEntry.Set, firstEntry.Time);
            }
            managers[bucketKey] = bucket.With(existing.Set.Union(entry.Set), entry.Time);
            managers.Remove(entry.Key);
            length--;
        }
    }

    private static PathElement[] Meta(string name) => [PathElement.Field("metadata"), PathElement.Field(name)];
}
