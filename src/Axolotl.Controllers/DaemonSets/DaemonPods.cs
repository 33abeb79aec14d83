using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>The pods a DaemonSet stamps out (upstream daemon/util: CreatePodTemplate and the node-affinity helpers).</summary>
public static class DaemonPods
{
    /// <summary>The label carrying the hash of the template revision a pod was made from.</summary>
    public const string ControllerRevisionHashLabel = "controller-revision-hash";

    /// <summary>
    /// The DaemonSet's template with the hash label and the tolerations upstream adds, so a daemon pod
    /// stays on nodes that are not ready, unreachable, under pressure or cordoned.
    /// </summary>
    public static PodTemplateSpec Template(DaemonSet ds, string hash)
    {
        var template = (ds.Spec?.Template ?? new PodTemplateSpec()).DeepCopy();
        template.Metadata.Labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
        template.Metadata.Labels[ControllerRevisionHashLabel] = hash;
        var spec = template.Spec ??= new PodSpec();
        AddToleration(spec, WellKnown.TaintNodeNotReady, "NoExecute");
        AddToleration(spec, WellKnown.TaintNodeUnreachable, "NoExecute");
        AddToleration(spec, WellKnown.TaintNodeDiskPressure, "NoSchedule");
        AddToleration(spec, WellKnown.TaintNodeMemoryPressure, "NoSchedule");
        AddToleration(spec, WellKnown.TaintNodePIDPressure, "NoSchedule");
        AddToleration(spec, WellKnown.TaintNodeUnschedulable, "NoSchedule");
        if (spec.HostNetwork == true)
        {
            AddToleration(spec, WellKnown.TaintNodeNetworkUnavailable, "NoSchedule");
        }
        return template;
    }

    /// <summary>
    /// Upstream ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes a single term
    /// selecting the node by metadata.name, so the scheduler can place the pod only there.
    /// </summary>
    public static void PinToNode(PodSpec spec, string nodeName)
    {
        var affinity = spec.Affinity ??= new Affinity();
        var nodeAffinity = affinity.NodeAffinity ??= new NodeAffinity();
        nodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelector
        {
            NodeSelectorTerms =
            [
                new NodeSelectorTerm
                {
                    MatchFields = [new NodeSelectorRequirement { Key = "metadata.name", Operator = "In", Values = [nodeName] }],
                },
            ],
        };
    }

    /// <summary>Upstream GetTargetNodeName: spec.nodeName, or the single node the pinned affinity names.</summary>
    public static string? TargetNode(Pod pod)
    {
        if (pod.Spec?.NodeName is { Length: > 0 } name)
        {
            return name;
        }
        var terms = pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms ?? [];
        foreach (var term in terms)
        {
            foreach (var field in term.MatchFields ?? [])
            {
                if (field is { Key: "metadata.name", Operator: "In", Values.Count: 1 })
                {
                    return field.Values[0];
                }
            }
        }
        return null;
    }

    public static bool IsTerminal(Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    /// <summary>Upstream IsPodUpdated: made from the current revision.</summary>
    public static bool IsUpdated(Pod pod, string hash) =>
        pod.Metadata.Labels?.TryGetValue(ControllerRevisionHashLabel, out var h) == true && h == hash;

    /// <summary>Oldest first; among equals, the one further along (upstream podByCreationTimestampAndPhase).</summary>
    public static List<Pod> OldestFirst(IEnumerable<Pod> pods) =>
        pods.OrderBy(p => p.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(p => p.Status?.Phase == "Running" ? 0 : p.Status?.Phase == "Pending" ? 1 : 2)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .ToList();

    private static void AddToleration(PodSpec spec, string key, string effect)
    {
        var tolerations = spec.Tolerations ??= [];
        tolerations.RemoveAll(t => t.Key == key && t.Effect == effect && t.Operator == "Exists" && string.IsNullOrEmpty(t.Value));
        tolerations.Add(new Toleration { Key = key, Operator = "Exists", Effect = effect });
    }
}
