using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Selectors;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// Which pods the system default spread constraints count with a pod, as kube-scheduler's DefaultSelector:
/// the selectors of the Services in its namespace that select it, merged, plus the selector of its
/// controller when that is a ReplicationController, ReplicaSet or StatefulSet the scheduler can see. A pod
/// no Service selects and whose controller is none of those (a bare pod, a Job's pod, a DaemonSet's) gets
/// an empty selector, and so no default spreading.
/// </summary>
public sealed class DefaultSpreadSelector(
    Func<string, IReadOnlyList<Service>> services,
    Func<string, string, ReplicationController?> replicationControllers,
    Func<string, string, ReplicaSet?> replicaSets,
    Func<string, string, StatefulSet?> statefulSets)
{
    /// <summary>No Services or controllers known: every pod gets an empty selector.</summary>
    public static DefaultSpreadSelector None { get; } = new(_ => [], (_, _) => null, (_, _) => null, (_, _) => null);

    public ParsedLabelSelector For(Pod pod)
    {
        var ns = pod.Metadata.Namespace ?? "";
        var labels = pod.Metadata.Labels;
        // Services and controllers that select the pod cannot disagree on a label: merging is safe.
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in services(ns))
        {
            if (service.Spec?.Selector is { Count: > 0 } selector && ParsedLabelSelector.FromSet(selector).Matches(labels))
            {
                foreach (var (key, value) in selector)
                {
                    merged[key] = value;
                }
            }
        }
        var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        switch (owner?.ApiVersion, owner?.Kind)
        {
            case ("v1", "ReplicationController"):
                foreach (var (key, value) in replicationControllers(ns, owner.Name ?? "")?.Spec?.Selector ?? [])
                {
                    merged[key] = value;
                }
                break;
            case ("apps/v1", "ReplicaSet"):
                return WithController(merged, replicaSets(ns, owner.Name ?? "")?.Spec?.Selector);
            case ("apps/v1", "StatefulSet"):
                return WithController(merged, statefulSets(ns, owner.Name ?? "")?.Spec?.Selector);
        }
        return ParsedLabelSelector.FromSet(merged);
    }

    /// <summary>The Services' labels with the controller's selector added (left out when it does not parse, as upstream).</summary>
    private static ParsedLabelSelector WithController(Dictionary<string, string> services, LabelSelector? controller)
    {
        var selector = ParsedLabelSelector.FromSet(services);
        if (controller is null)
        {
            return selector;
        }
        try
        {
            var parsed = ParsedLabelSelector.FromModel(controller);
            return parsed.MatchesNothing ? selector : selector.Add([.. parsed.Requirements]);
        }
        catch (FormatException)
        {
            return selector;
        }
    }
}
