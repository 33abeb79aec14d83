using System.Globalization;
using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// Upstream's FitError wording: "0/N nodes are available: " then a histogram of the reasons, sorted as
/// strings ("1 Insufficient memory, 1 node(s) were unschedulable"), each node counted once per reason
/// of the first filter that rejected it; then the preemption verdict as its own sentence.
/// </summary>
public static class FailureMessage
{
    public const string NoNodesAvailable = "no nodes available to schedule pods";

    public const string PreemptionNotHelpful = "Preemption is not helpful for scheduling";

    public const string NoPreemptionVictims = "No preemption victims found for incoming pod";

    public const string PreemptionPolicyNever = "not eligible due to preemptionPolicy=Never.";

    /// <summary>"0/{nodes} nodes are available: {histogram}." with an optional trailing " {postFilter}".</summary>
    public static string Build(int nodes, IEnumerable<FilterResult> statuses, string? postFilter)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"0/{nodes} nodes are available:");
        var histogram = Histogram(statuses);
        if (histogram.Length > 0)
        {
            message += " " + histogram + ".";
        }
        if (!string.IsNullOrEmpty(postFilter))
        {
            message += " " + postFilter;
        }
        return message;
    }

    /// <summary>
    /// A PreFilter's rejection, as FitError words it: "0/N nodes are available: {reason}." then the
    /// preemption verdict, every node being rejected by that (unresolvable) reason.
    /// </summary>
    public static string PreFilterRejected(int nodes, FilterResult verdict)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"0/{nodes} nodes are available: {string.Join(", ", verdict.Reasons)}.");
        var preemption = verdict.Code == FilterCode.UnschedulableAndUnresolvable
            ? string.Create(CultureInfo.InvariantCulture, $"preemption: 0/{nodes} nodes are available: {nodes} {PreemptionNotHelpful}.")
            : null;
        return preemption is null ? message : message + " " + preemption;
    }

    /// <summary>"2 Insufficient cpu, 1 node(s) were unschedulable": count per reason, sorted ordinally as Go's sort.Strings does.</summary>
    public static string Histogram(IEnumerable<FilterResult> statuses)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var reason in statuses.SelectMany(s => s.Reasons))
        {
            counts[reason] = counts.GetValueOrDefault(reason) + 1;
        }
        var parts = counts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value} {p.Key}")).ToList();
        parts.Sort(StringComparer.Ordinal);
        return string.Join(", ", parts);
    }

    /// <summary>
    /// What upstream's default preemption says after a failed cycle, prefixed "preemption: ". Nodes
    /// rejected for unresolvable reasons are "not helpful"; on the others the pods of lower priority
    /// are the only possible victims: with none there are "no victims", otherwise the filters are run
    /// again without them (<paramref name="dryRun"/> gets the node and those victims) and their reasons reported. Returns null when preemption could make room:
    /// Axolotl does not evict pods to make room yet, and the message then says only what the filters found.
    /// </summary>
    public static string? Preemption(Pod pod, IReadOnlyList<NodeInfo> nodes, IReadOnlyDictionary<string, FilterResult> statuses, Func<NodeInfo, IReadOnlyList<Pod>, FilterResult> dryRun)
    {
        if (pod.Spec?.PreemptionPolicy == "Never")
        {
            return "preemption: " + PreemptionPolicyNever;
        }
        var priority = pod.Spec?.Priority ?? 0;
        var results = new List<FilterResult>();
        foreach (var node in nodes)
        {
            var status = statuses.GetValueOrDefault(node.Name) ?? FilterResult.Success;
            if (status.Code == FilterCode.UnschedulableAndUnresolvable)
            {
                results.Add(FilterResult.Unresolvable(PreemptionNotHelpful));
                continue;
            }
            var victims = node.Pods.Where(p => (p.Spec?.Priority ?? 0) < priority).ToList();
            if (victims.Count == 0)
            {
                results.Add(FilterResult.Unresolvable(NoPreemptionVictims));
                continue;
            }
            var afterEviction = dryRun(node, victims);
            if (afterEviction.IsSuccess)
            {
                return null;
            }
            results.Add(afterEviction);
        }
        return "preemption: " + Build(nodes.Count, results, null);
    }
}
