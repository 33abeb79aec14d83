using Axolotl.Api.Selectors;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>
/// One store event as every watcher of the resource receives it: the object serialised once, in the
/// served kind's view, with the filter attributes of the object after the change (null for a deletion)
/// and before it (null for a creation).
/// </summary>
internal sealed record CachedEvent(StoreEventType Type, string Key, long Revision, byte[] Json, ObjectAttributes? Current, ObjectAttributes? Previous)
{
    /// <summary>True when the object held <paramref name="value"/> in the attribute at <paramref name="field"/> before or after the change.</summary>
    public bool Touches(int field, string value) =>
        string.Equals(Current?.ValueAt(field), value, StringComparison.Ordinal)
        || string.Equals(Previous?.ValueAt(field), value, StringComparison.Ordinal);

    /// <summary>
    /// The event type a watcher with this selection sees, as upstream's cacher decides it: an object that
    /// enters the selection is ADDED, one that leaves it is DELETED, one outside it before and after is
    /// not sent (null).
    /// </summary>
    public string? TypeFor(ParsedLabelSelector labels, FieldSelector fields, bool selecting)
    {
        if (!selecting)
        {
            return Type switch
            {
                StoreEventType.Added => "ADDED",
                StoreEventType.Modified => "MODIFIED",
                _ => "DELETED",
            };
        }
        var was = Previous?.Matches(labels, fields) == true;
        var now = Current?.Matches(labels, fields) == true;
        return (was, now) switch
        {
            (true, true) => "MODIFIED",
            (false, true) => "ADDED",
            (true, false) => "DELETED",
            _ => null,
        };
    }
}
