using System.Globalization;

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
}
