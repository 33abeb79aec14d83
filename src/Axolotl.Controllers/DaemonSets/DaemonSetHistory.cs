using System.Text.Json;
using Axolotl.Api.Apps;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Controllers.History;
using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>A DaemonSet's ControllerRevisions: <see cref="ControllerHistory"/> keyed by the template hash, which is also the pods' label.</summary>
internal sealed class DaemonSetHistory(KubeClient client, IObjectCache<ControllerRevision> revisions)
{
    private readonly ControllerHistory _history = new(client, revisions, KnownResources.DaemonSets);

    /// <summary>The revisions this DaemonSet controls, oldest first.</summary>
    public List<ControllerRevision> Owned(DaemonSet ds) => _history.Owned(ds);

    public static JsonElement Patch(DaemonSet ds) => ControllerHistory.Patch(ds.Spec?.Template ?? new Api.Core.PodTemplateSpec());

    /// <summary>Makes sure the current template has the newest revision; returns it.</summary>
    public Task<ControllerRevision> EnsureCurrentAsync(DaemonSet ds, string hash, CancellationToken ct) =>
        _history.EnsureCurrentAsync(ds, ds.Spec?.Template ?? new Api.Core.PodTemplateSpec(), hash, ct);

    /// <summary>Deletes the oldest revisions beyond revisionHistoryLimit that no live pod was made from.</summary>
    public Task CleanupAsync(DaemonSet ds, string currentHash, IEnumerable<string?> liveHashes, CancellationToken ct) =>
        _history.CleanupAsync(ds, ds.Spec?.RevisionHistoryLimit, liveHashes.OfType<string>().Append(currentHash).ToHashSet(StringComparer.Ordinal), ct);

    public static string RevisionName(string dsName, string hash) => ControllerHistory.RevisionName(dsName, hash);
}
