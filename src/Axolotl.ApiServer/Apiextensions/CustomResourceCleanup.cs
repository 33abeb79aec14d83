using System.Globalization;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>
/// Deletes every object under a custom resource's key prefix, as upstream's finalizing controller
/// deletes a CRD's instances: an object with finalizers gets its deletionTimestamp and is waited for,
/// the rest go at once.
/// </summary>
public static class CustomResourceCleanup
{
    /// <summary>Returns how many objects are still there (finalizing or lost a race).</summary>
    public static async Task<int> DeleteAllAsync(ObjectStore objects, string prefix, DateTimeOffset now, CancellationToken ct)
    {
        var store = objects.Store;
        var list = await store.ListAsync(prefix, 0, null, ct);
        var remaining = 0;
        foreach (var entry in list.Items)
        {
            var obj = ObjectStore.Decode(entry).Object;
            try
            {
                if (ObjectMetaRules.HasFinalizers(obj))
                {
                    remaining++;
                    if (!ObjectMetaRules.IsDeleting(obj))
                    {
                        ObjectMetaRules.Meta(obj)["deletionTimestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                        var meta = ObjectMetaRules.Meta(obj);
                        meta.Remove("resourceVersion");
                        await store.UpdateAsync(entry.Key, System.Text.Encoding.UTF8.GetBytes(obj.ToJsonString()), entry.ModRevision, ct);
                    }
                    continue;
                }
                await store.DeleteAsync(entry.Key, entry.ModRevision, ct);
            }
            catch (StoreException e) when (e is RevisionConflictException or KeyNotFoundInStoreException)
            {
                remaining += e is RevisionConflictException ? 1 : 0;
            }
        }
        return remaining;
    }
}
