using Axolotl.Api.Meta;

namespace Axolotl.Client;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}

/// <summary>
/// One line of a watch stream. For Added/Modified/Deleted, Object is the object; for Bookmark, Object
/// carries only metadata.resourceVersion; for Error, Object is null and Status says why (410 Expired:
/// the start revision was compacted, list again).
/// </summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, Status? Status = null)
    where T : class;
