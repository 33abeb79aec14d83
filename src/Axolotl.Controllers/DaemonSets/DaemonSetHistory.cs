using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Apps;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>
/// A DaemonSet's ControllerRevisions (upstream constructHistory, snapshot and cleanupHistory): one per
/// distinct template, named &lt;ds&gt;-&lt;hash&gt;, labelled with the template's labels plus
/// controller-revision-hash, holding the strategic merge patch that restores the template (what
/// <c>kubectl rollout history|undo ds/X</c> read). Returning to an older template renumbers its revision
/// as the newest instead of creating a new one.
/// </summary>
internal sealed class DaemonSetHistory(KubeClient client, IObjectCache<ControllerRevision> revisions)
{
    /// <summary>The revisions this DaemonSet controls, oldest first.</summary>
    public List<ControllerRevision> Owned(DaemonSet ds) =>
        revisions.List(ds.Metadata.Namespace)
            .Where(r => ControllerRefs.ControllerOf(r)?.Uid == ds.Metadata.Uid)
            .OrderBy(r => r.Revision)
            .ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The patch upstream stores: the whole template, marked to replace rather than merge.</summary>
    public static JsonElement Patch(DaemonSet ds)
    {
        var template = KubeJson.ToNode(ds.Spec?.Template ?? new Api.Core.PodTemplateSpec());
        template["$patch"] = "replace";
        var patch = new JsonObject { ["spec"] = new JsonObject { ["template"] = template } };
        return JsonSerializer.SerializeToElement(patch, KubeJson.Options);
    }

    /// <summary>Makes sure the current template has the newest revision; returns it.</summary>
    public async Task<ControllerRevision> EnsureCurrentAsync(DaemonSet ds, string hash, CancellationToken ct)
    {
        var owned = Owned(ds);
        var max = owned.Count == 0 ? 0 : owned.Max(r => r.Revision);
        var name = RevisionName(ds.Metadata.Name ?? "", hash);
        var current = owned.FirstOrDefault(r => r.Metadata.Name == name);
        if (current is not null)
        {
            if (current.Revision == max && owned.Count(r => r.Revision == max) == 1)
            {
                return current;
            }
            var copy = current.DeepCopy();
            copy.Revision = max + 1;
            return await client.UpdateAsync(copy, ct);
        }
        var revision = new ControllerRevision
        {
            ApiVersion = "apps/v1",
            Kind = "ControllerRevision",
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = ds.Metadata.Namespace,
                Labels = new Dictionary<string, string>(ds.Spec?.Template.Metadata.Labels ?? [], StringComparer.Ordinal)
                {
                    [DaemonPods.ControllerRevisionHashLabel] = hash,
                },
                Annotations = ds.Metadata.Annotations is null ? null : new Dictionary<string, string>(ds.Metadata.Annotations, StringComparer.Ordinal),
                OwnerReferences = [ControllerRefs.NewControllerRef(ds, KnownResources.DaemonSets)],
            },
            Data = Patch(ds),
            Revision = max + 1,
        };
        try
        {
            return await client.CreateAsync(revision, ct);
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            var existing = await client.GetAsync<ControllerRevision>(ds.Metadata.Namespace, name, ct);
            if (ControllerRefs.ControllerOf(existing)?.Uid == ds.Metadata.Uid)
            {
                // Our informer had not seen it yet.
                return existing;
            }
            throw new InvalidOperationException($"ControllerRevision {ds.Metadata.Namespace}/{name} exists and belongs to someone else", e);
        }
    }

    /// <summary>Deletes the oldest revisions beyond revisionHistoryLimit that no live pod was made from.</summary>
    public async Task CleanupAsync(DaemonSet ds, string currentHash, IEnumerable<string?> liveHashes, CancellationToken ct)
    {
        var limit = ds.Spec?.RevisionHistoryLimit ?? 10;
        var live = liveHashes.OfType<string>().Append(currentHash).ToHashSet(StringComparer.Ordinal);
        var old = Owned(ds).Where(r => !live.Contains(r.Metadata.Labels?.GetValueOrDefault(DaemonPods.ControllerRevisionHashLabel) ?? "")).ToList();
        foreach (var revision in old.Take(Math.Max(0, old.Count - limit)))
        {
            try
            {
                await client.DeleteAsync<ControllerRevision>(revision.Metadata.Namespace, revision.Metadata.Name ?? "", null, ct);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                // Already gone.
            }
        }
    }

    /// <summary>Upstream ControllerRevisionName: the prefix is cut so the name stays a valid DNS subdomain.</summary>
    public static string RevisionName(string dsName, string hash) =>
        (dsName.Length > 223 ? dsName[..223] : dsName) + "-" + hash;
}
