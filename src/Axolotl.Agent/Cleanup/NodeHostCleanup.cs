using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Cleanup;

/// <summary>
/// One cleanup of a node's host objects: read them, decide (<see cref="HostCleanupTracker"/>), act
/// (<see cref="HostCleaner"/>), and say what happened. Used before an agent starts, after a clean stop
/// and by `axolotl reset`.
/// </summary>
public static partial class NodeHostCleanup
{
    public static async Task<(HostCleanupPlan Plan, CleanupOutcome Outcome)> RunAsync(NodeHostRecord node, CleanupMode mode, TimeProvider time, CancellationToken ct)
    {
        var inventory = await HostInventoryReader.ReadAsync(node, ct);
        var plan = HostCleanupTracker.Decide(node, inventory, mode);
        var outcome = await HostCleaner.ApplyAsync(plan, time, ct);
        return (plan, outcome);
    }

    /// <summary>Before the agent starts: what belongs to no pod it will re-adopt goes, with a line when there was any.</summary>
    public static async Task BeforeStartAsync(NodeHostRecord node, TimeProvider time, ILogger log, CancellationToken ct)
    {
        var (_, outcome) = await RunAsync(node, CleanupMode.Start, time, ct);
        if (outcome.Done.Count > 0)
        {
            var summary = Summary(outcome.Done);
            LogOrphansRemoved(log, node.NodeName, outcome.Done.Count, summary);
        }
        LogFailures(log, outcome);
    }

    /// <summary>After a clean stop: the pods that survive keep what they need, the one line says what; the rest goes.</summary>
    public static async Task AfterStopAsync(NodeHostRecord node, TimeProvider time, ILogger log, CancellationToken ct)
    {
        var (plan, outcome) = await RunAsync(node, CleanupMode.Stop, time, ct);
        if (!plan.Kept.IsEmpty)
        {
            var kept = plan.Kept.Describe(node.DataDir);
            LogKept(log, kept);
        }
        var summary = outcome.Done.Count == 0 ? "nothing" : Summary(outcome.Done);
        LogStopCleaned(log, node.NodeName, outcome.Done.Count, summary);
        LogFailures(log, outcome);
    }

    /// <summary>"2 × delete link, 1 × remove cgroup …": the kinds of step taken and how often.</summary>
    public static string Summary(IEnumerable<CleanupAction> actions) =>
        string.Join(", ", actions.GroupBy(a => a.Step).Select(g => $"{g.Count()} × {Noun(g.Key)}"));

    private static string Noun(CleanupStep step) => step switch
    {
        CleanupStep.KillCgroup => "cgroup killed",
        CleanupStep.KillProcess => "launcher killed",
        CleanupStep.Unmount => "unmount",
        CleanupStep.DeleteNamespace => "network namespace",
        CleanupStep.DeleteLink => "link",
        CleanupStep.DeleteRule => "ip rule",
        CleanupStep.DeleteRoute => "route",
        CleanupStep.DeleteNftTable => "nftables table",
        CleanupStep.RemoveCgroup => "cgroup directory",
        CleanupStep.RemoveDirectory => "state directory",
        _ => "state file",
    };

    private static void LogFailures(ILogger log, CleanupOutcome outcome)
    {
        foreach (var (action, reason) in outcome.Failed)
        {
            LogStepFailed(log, action.ToString(), reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "node {Node}: removed what no pod to re-adopt needs, left by an earlier run ({Count} steps: {Summary})")]
    private static partial void LogOrphansRemoved(ILogger logger, string node, int count, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogKept(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {Node}: removed its host objects on stop ({Count} steps: {Summary})")]
    private static partial void LogStopCleaned(ILogger logger, string node, int count, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "host cleanup: could not {Step}: {Reason}")]
    private static partial void LogStepFailed(ILogger logger, string step, string reason);
}
