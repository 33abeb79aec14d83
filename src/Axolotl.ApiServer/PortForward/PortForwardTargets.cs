using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.PortForward;

/// <summary>
/// Chooses the pod for each new forwarded connection. kubectl resolves svc/X and deploy/X to one
/// pod and then only knows that pod's name; when that pod is deleted (a rollout, a drain, a
/// crash-and-replace) kubectl cannot move. The API server can: while the original pod exists it
/// is used (a restarting container is waited for by the agent), and once it is gone or terminating
/// new connections go to a ready pod of the same owner — the same ReplicaSet, or another
/// ReplicaSet of the same Deployment after a rollout. Connections already open stay where they are.
/// </summary>
public sealed class PortForwardTargets
{
    private readonly ObjectStore _objects;
    private readonly string _namespace;
    private readonly string _name;
    private readonly string _uid;
    private readonly string? _ownerUid;
    private readonly string? _ownerKind;

    public PortForwardTargets(ObjectStore objects, JsonObject pod)
    {
        _objects = objects;
        var meta = pod["metadata"] as JsonObject ?? [];
        _namespace = meta["namespace"]?.GetValue<string>() ?? "";
        _name = meta["name"]?.GetValue<string>() ?? "";
        _uid = meta["uid"]?.GetValue<string>() ?? "";
        var owner = Controller(pod);
        _ownerUid = owner?["uid"]?.GetValue<string>();
        _ownerKind = owner?["kind"]?.GetValue<string>();
    }

    /// <summary>The pod a new connection should use; the original pod's name when nothing better exists.</summary>
    public async Task<PortForwardTarget> ResolveAsync(CancellationToken ct)
    {
        var current = (await _objects.GetAsync(KnownResources.Pods, _namespace, _name, ct))?.Object;
        if (current is not null && Uid(current) == _uid && !Terminating(current))
        {
            return await PortForwardTarget.FromPodAsync(_objects, current, ct);
        }
        if (_ownerUid is not null && await FindReplacementAsync(ct) is { } replacement)
        {
            return await PortForwardTarget.FromPodAsync(_objects, replacement, ct);
        }
        // Nothing better: the original (perhaps still terminating), or NotFound.
        return await PortForwardTarget.FromPodAsync(_objects, current ?? await PortForwardTarget.LoadPodAsync(_objects, _namespace, _name, ct), ct);
    }

    private async Task<JsonObject?> FindReplacementAsync(CancellationToken ct)
    {
        var owners = new HashSet<string>(StringComparer.Ordinal) { _ownerUid! };
        if (_ownerKind == "ReplicaSet")
        {
            // Sibling ReplicaSets of the same Deployment count too: a rollout replaces the pod's ReplicaSet.
            var rs = (await ListAsync(KnownResources.ReplicaSets, ct)).FirstOrDefault(r => Uid(r) == _ownerUid);
            if (rs is not null && Controller(rs)?["uid"]?.GetValue<string>() is { } deployment)
            {
                owners.UnionWith((await ListAsync(KnownResources.ReplicaSets, ct))
                    .Where(r => Controller(r)?["uid"]?.GetValue<string>() == deployment).Select(Uid).OfType<string>());
            }
        }
        return (await ListAsync(KnownResources.Pods, ct))
            .Where(p => Controller(p)?["uid"]?.GetValue<string>() is { } owner && owners.Contains(owner))
            .Where(p => !Terminating(p) && Ready(p) && !string.IsNullOrEmpty(p["status"]?["podIP"]?.GetValue<string>()))
            .OrderBy(p => p["metadata"]?["name"]?.GetValue<string>(), StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private async Task<List<JsonObject>> ListAsync(Api.Scheme.ResourceType type, CancellationToken ct)
    {
        var items = new List<JsonObject>();
        string? next = null;
        do
        {
            var page = await _objects.ListAsync(type, _namespace, 500, next, ct);
            items.AddRange(page.Items.Select(e => ObjectStore.Decode(e).Object));
            next = page.Continue;
        }
        while (!string.IsNullOrEmpty(next));
        return items;
    }

    private static JsonObject? Controller(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(o => o["controller"]?.GetValue<bool>() == true);

    private static string? Uid(JsonObject obj) => obj["metadata"]?["uid"]?.GetValue<string>();

    private static bool Terminating(JsonObject pod) => pod["metadata"]?["deletionTimestamp"] is not null;

    private static bool Ready(JsonObject pod) =>
        pod["status"]?["phase"]?.GetValue<string>() == "Running" &&
        (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => c["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True");
}
