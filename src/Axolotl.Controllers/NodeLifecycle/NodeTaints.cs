using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Controllers.NodeLifecycle;

/// <summary>
/// The taints the node lifecycle controller owns, derived from a node's conditions and spec (upstream
/// doNoExecuteTaintingPass and taintNodeByCondition): not-ready when Ready is False, unreachable when
/// it is Unknown, both as NoSchedule and NoExecute; pressure and network conditions and cordoning as
/// NoSchedule. Taints with other keys are never touched.
/// </summary>
public static class NodeTaints
{
    private static readonly HashSet<string> Managed = new(StringComparer.Ordinal)
    {
        WellKnown.TaintNodeNotReady, WellKnown.TaintNodeUnreachable, WellKnown.TaintNodeUnschedulable, WellKnown.TaintNodeMemoryPressure,
        WellKnown.TaintNodeDiskPressure, WellKnown.TaintNodePIDPressure, WellKnown.TaintNodeNetworkUnavailable,
    };

    public static List<(string Key, string Effect)> Desired(Node node)
    {
        var desired = new List<(string, string)>();
        var ready = Condition(node, "Ready");
        switch (ready)
        {
            case "False":
                desired.Add((WellKnown.TaintNodeNotReady, "NoSchedule"));
                desired.Add((WellKnown.TaintNodeNotReady, "NoExecute"));
                break;
            case "Unknown":
                desired.Add((WellKnown.TaintNodeUnreachable, "NoSchedule"));
                desired.Add((WellKnown.TaintNodeUnreachable, "NoExecute"));
                break;
        }
        if (node.Spec?.Unschedulable == true)
        {
            desired.Add((WellKnown.TaintNodeUnschedulable, "NoSchedule"));
        }
        // Pressure reported by a node that is no longer reporting means nothing.
        if (ready == "True")
        {
            AddIfTrue(node, "MemoryPressure", WellKnown.TaintNodeMemoryPressure, desired);
            AddIfTrue(node, "DiskPressure", WellKnown.TaintNodeDiskPressure, desired);
            AddIfTrue(node, "PIDPressure", WellKnown.TaintNodePIDPressure, desired);
        }
        AddIfTrue(node, "NetworkUnavailable", WellKnown.TaintNodeNetworkUnavailable, desired);
        return desired;
    }

    /// <summary>The node's new taint list, or null when it already is right. Kept taints keep their timeAdded.</summary>
    public static List<Taint>? Reconcile(Node node, DateTimeOffset now)
    {
        var current = node.Spec?.Taints ?? [];
        var desired = Desired(node);
        var next = current.Where(t => !Managed.Contains(t.Key) || desired.Contains((t.Key, t.Effect))).ToList();
        foreach (var (key, effect) in desired)
        {
            if (!next.Any(t => t.Key == key && t.Effect == effect))
            {
                next.Add(new Taint { Key = key, Effect = effect, TimeAdded = effect == "NoExecute" ? now : null });
            }
        }
        return next.Count == current.Count && next.All(current.Contains) ? null : next;
    }

    public static string? Condition(Node node, string type) =>
        node.Status?.Conditions?.FirstOrDefault(c => c.Type == type)?.Status;

    private static void AddIfTrue(Node node, string condition, string key, List<(string, string)> desired)
    {
        if (Condition(node, condition) == "True")
        {
            desired.Add((key, "NoSchedule"));
        }
    }
}
