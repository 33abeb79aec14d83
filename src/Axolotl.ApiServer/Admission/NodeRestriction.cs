using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Upstream's NodeRestriction admission: which object a node may write, decided on the decoded object
/// (after the body was read within its size limit): only its own Node and Lease, no labels a node may
/// not set about itself and no taint changes, status only of pods bound to it, and delete or evict only
/// those pods. Nodes create no pods (upstream allows mirror pods; Axolotl's agents make none). Every
/// other principal passes untouched. Messages are upstream's.
/// </summary>
public sealed class NodeRestriction : IValidatingAdmissionPlugin
{
    private const string LeaseNamespace = "kube-node-lease";
    private const string RestrictedPrefix = "node-restriction.kubernetes.io/";

    /// <summary>Labels in the kubernetes.io and k8s.io domains that a kubelet may set on its own Node.</summary>
    private static readonly HashSet<string> KubeletLabels =
    [
        "kubernetes.io/hostname", "kubernetes.io/arch", "kubernetes.io/os", "beta.kubernetes.io/arch", "beta.kubernetes.io/os",
        "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type", "failure-domain.beta.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
    ];

    private static readonly string[] KubeletLabelNamespaces = ["kubelet.kubernetes.io/", "node.kubernetes.io/"];

    public string Name => "NodeRestriction";

    /// <summary>An eviction is a create of pods/eviction; its <see cref="AdmissionAttributes.OldObject"/> is the pod.</summary>
    public Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct)
    {
        switch (attributes.Operation)
        {
            case AdmissionOperation.Create when attributes.Subresource == "eviction":
                CheckDelete(attributes.User, attributes.Type, attributes.OldObject!, eviction: true);
                break;
            case AdmissionOperation.Create:
                CheckCreate(attributes.User, attributes.Type, attributes.Subresource, attributes.Object!);
                break;
            case AdmissionOperation.Update:
                CheckUpdate(attributes.User, attributes.Type, attributes.Subresource, attributes.Object!, attributes.OldObject!);
                break;
            case AdmissionOperation.Delete:
                CheckDelete(attributes.User, attributes.Type, attributes.OldObject!);
                break;
        }
        return Task.CompletedTask;
    }

    /// <summary>A create: <paramref name="obj"/> is the admitted object.</summary>
    public static void CheckCreate(Principal? principal, ResourceType type, string? subresource, JsonObject obj)
    {
        if (principal?.NodeName is not { } node)
        {
            return;
        }
        var name = ObjectName(obj);
        switch (type.Kind, subresource)
        {
            case ("Pod", null):
                throw Forbidden(type, name, $"pod does not have \"kubernetes.io/config.mirror\" annotation, node \"{node}\" can only create mirror pods");
            case ("Node", null):
                CheckOwnNode(type, node, name);
                if (ForbiddenLabels(Labels(obj), null) is { Count: > 0 } labels)
                {
                    throw Forbidden(type, name, $"node \"{node}\" is not allowed to set the following labels: {string.Join(", ", labels)}");
                }
                break;
            case ("Lease", null):
                CheckOwnLease(type, node, obj, name);
                break;
        }
    }

    /// <summary>An update or patch: <paramref name="obj"/> is the admitted object, <paramref name="old"/> the stored one.</summary>
    public static void CheckUpdate(Principal? principal, ResourceType type, string? subresource, JsonObject obj, JsonObject old)
    {
        if (principal?.NodeName is not { } node)
        {
            return;
        }
        var name = ObjectName(obj);
        switch (type.Kind, subresource)
        {
            case ("Pod", "status"):
                if (BoundNode(old) != node)
                {
                    throw Forbidden(type, name, $"node \"{node}\" can only update pod status for pods with spec.nodeName set to itself");
                }
                break;
            case ("Pod", _):
                throw Forbidden(type, name, $"node \"{node}\" can only update pod status");
            case ("Node", _):
                CheckOwnNode(type, node, name);
                if (ForbiddenLabels(Labels(obj), Labels(old)) is { Count: > 0 } labels)
                {
                    throw Forbidden(type, name, $"node \"{node}\" is not allowed to modify labels: {string.Join(", ", labels)}");
                }
                if (!JsonNode.DeepEquals(obj["spec"]?["taints"], old["spec"]?["taints"]))
                {
                    throw Forbidden(type, name, $"node \"{node}\" is not allowed to modify taints");
                }
                break;
            case ("Lease", _):
                CheckOwnLease(type, node, obj, name);
                break;
        }
    }

    /// <summary>A delete (or an eviction, <paramref name="eviction"/>) of the stored <paramref name="current"/>.</summary>
    public static void CheckDelete(Principal? principal, ResourceType type, JsonObject current, bool eviction = false)
    {
        if (principal?.NodeName is not { } node || type.Kind != "Pod" || BoundNode(current) == node)
        {
            return;
        }
        throw Forbidden(type, ObjectName(current), eviction
            ? $"node \"{node}\" can only evict pods with spec.nodeName set to itself"
            : $"node \"{node}\" can only delete pods with spec.nodeName set to itself");
    }

    private static void CheckOwnNode(ResourceType type, string node, string name)
    {
        if (name != node)
        {
            throw Forbidden(type, name, $"node \"{node}\" is not allowed to modify node \"{name}\"");
        }
    }

    private static void CheckOwnLease(ResourceType type, string node, JsonObject obj, string name)
    {
        if (Text(obj["metadata"]?["namespace"]) == LeaseNamespace && name != node)
        {
            throw Forbidden(type, name, "can only access node lease with the same name as the requesting node");
        }
    }

    /// <summary>Labels (added or changed, when <paramref name="old"/> is given) a node may not set on itself, sorted.</summary>
    public static List<string> ForbiddenLabels(IReadOnlyDictionary<string, string?> labels, IReadOnlyDictionary<string, string?>? old)
    {
        var forbidden = new List<string>();
        foreach (var (key, value) in labels)
        {
            if (old is not null && old.TryGetValue(key, out var before) && before == value)
            {
                continue;
            }
            if (IsForbidden(key))
            {
                forbidden.Add(key);
            }
        }
        if (old is not null)
        {
            forbidden.AddRange(old.Keys.Where(key => !labels.ContainsKey(key) && IsForbidden(key)));
        }
        forbidden.Sort(StringComparer.Ordinal);
        return forbidden;
    }

    private static bool IsForbidden(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var domain = slash < 0 ? "" : key[..slash];
        if (key.StartsWith(RestrictedPrefix, StringComparison.Ordinal) || domain.EndsWith("." + RestrictedPrefix.TrimEnd('/'), StringComparison.Ordinal))
        {
            return true;
        }
        var kubernetesDomain = domain is "kubernetes.io" or "k8s.io" || domain.EndsWith(".kubernetes.io", StringComparison.Ordinal) || domain.EndsWith(".k8s.io", StringComparison.Ordinal);
        return kubernetesDomain && !KubeletLabels.Contains(key) && !KubeletLabelNamespaces.Any(ns => key.StartsWith(ns, StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> Labels(JsonObject obj) =>
        (obj["metadata"]?["labels"] as JsonObject ?? []).ToDictionary(p => p.Key, p => Text(p.Value), StringComparer.Ordinal);

    private static string? BoundNode(JsonObject pod) => Text(pod["spec"]?["nodeName"]);

    private static string ObjectName(JsonObject obj) => Text(obj["metadata"]?["name"]) ?? "";

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static ApiException Forbidden(ResourceType type, string name, string reason) =>
        ApiErrors.Forbidden(type, name, $"{type.QualifiedResource} \"{name}\" is forbidden: {reason}");
}
