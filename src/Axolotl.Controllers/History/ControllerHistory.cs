using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.History;

/// <summary>
/// The ControllerRevisions of a DaemonSet or StatefulSet (upstream controller/history plus the
/// constructHistory/truncateHistory of both controllers): one per distinct template, named
/// &lt;owner&gt;-&lt;hash&gt;, labelled with the template's labels plus controller-revision-hash, holding
/// the strategic merge patch that restores the template (what <c>kubectl rollout history|undo</c>
/// read). Returning to an older template renumbers its revision as the newest instead of creating a
/// new one.
/// </summary>
internal sealed class ControllerHistory(KubeClient client, IObjectCache<ControllerRevision> revisions, ResourceType ownerType)
{
    public const string ControllerRevisionHashLabel = "controller-revision-hash";

    /// <summary>The revisions this owner controls, oldest first.</summary>
    public List<ControllerRevision> Owned(KubeObject owner) =>
        revisions.List(owner.Metadata.Namespace)
            .Where(r => ControllerRefs.ControllerOf(r)?.Uid == owner.Metadata.Uid)
            .OrderBy(r => r.Revision)
            .ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The patch upstream stores: the whole template, marked to replace rather than merge.</summary>
    public static JsonElement Patch(PodTemplateSpec template)
    {
        var node = KubeJson.ToNode(template);
        node["$patch"] = "replace";
        var patch = new JsonObject { ["spec"] = new JsonObject { ["template"] = node } };
        return JsonSerializer.SerializeToElement(patch, KubeJson.Options);
    }

    /// <summary>Makes sure the template has the newest revision; returns it.</summary>
    public async Task<ControllerRevision> EnsureCurrentAsync(KubeObject owner, PodTemplateSpec template, string hash, CancellationToken ct)
    {
        var owned = Owned(owner);
        var max = owned.Count == 0 ? 0 : owned.Max(r => r.Revision);
        var name = RevisionName(owner.Metadata.Name ?? "", hash);
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
                Namespace = owner.Metadata.Namespace,
                Labels = new Dictionary<string, string>(template.Metadata.Labels ?? [], StringComparer.Ordinal)
                {
                    [ControllerRevisionHashLabel] = hash,
                },
                Annotations = owner.Metadata.Annotations is null ? null : new Dictionary<string, string>(owner.Metadata.Annotations, StringComparer.Ordinal),
                OwnerReferences = [ControllerRefs.NewControllerRef(owner, ownerType)],
            },
            Data = Patch(template),
            Revision = max + 1,
        };
        try
        {
            return await client.CreateAsync(revision, ct);
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            var existing = await client.GetAsync<ControllerRevision>(owner.Metadata.Namespace, name, ct);
            if (ControllerRefs.ControllerOf(existing)?.Uid == owner.Metadata.Uid)
            {
                // Our informer had not seen it yet.
                return existing;
            }
            throw new InvalidOperationException($"ControllerRevision {owner.Metadata.Namespace}/{name} exists and belongs to someone else", e);
        }
    }

    /// <summary>Deletes the oldest revisions beyond revisionHistoryLimit whose name or hash is not in <paramref name="live"/>.</summary>
    public async Task CleanupAsync(KubeObject owner, int? revisionHistoryLimit, IReadOnlySet<string> live, CancellationToken ct)
    {
        var limit = revisionHistoryLimit ?? 10;
        var old = Owned(owner)
            .Where(r => !live.Contains(r.Metadata.Name ?? "") && !live.Contains(r.Metadata.Labels?.GetValueOrDefault(ControllerRevisionHashLabel) ?? ""))
            .ToList();
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
    public static string RevisionName(string ownerName, string hash) =>
        (ownerName.Length > 223 ? ownerName[..223] : ownerName) + "-" + hash;
}
