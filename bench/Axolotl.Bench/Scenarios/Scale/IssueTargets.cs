using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Scale;

/// <summary>
/// Issue 34's targets for the control plane, checked beside Kubernetes' SLOs. The ones stated at 10,000 pods
/// or 100 nodes are checked only at that size (the full run); a quick run names them in a note instead.
/// </summary>
internal static class IssueTargets
{
    private const int FullPods = 10_000;
    private const int FullNodes = 100;
    private const int LargePods = 100_000;

    public static void Check(ScenarioReport report, int nodes, int pods, double joinMilliseconds, double serverCpuMsPerPod,
        double otherClientMutatingP99, double idleRssMegabytes, double fullRssMegabytes, double peakRssMegabytes)
    {
        report.Target("server CPU per pod under load (issue 34)", serverCpuMsPerPod, 4, "ms");
        report.Target("another client's mutating p99 under load (issue 34)", otherClientMutatingP99, 100, "ms");
        report.Target("server RSS idle, no pods (issue 34)", idleRssMegabytes, 100, "MB");
        if (pods == FullPods && nodes == FullNodes)
        {
            report.Target("server RSS at 10,000 pods (issue 34)", fullRssMegabytes, 400, "MB");
            report.Target("100 fake nodes joined (issue 34)", joinMilliseconds, 2000, "ms");
        }
        else if (pods == LargePods)
        {
            // "At 100,000 pods the server within 4 GB": its peak, not a reading at one moment.
            report.Target("server peak RSS at 100,000 pods (issue 34)", peakRssMegabytes, 4096, "MB");
        }
        else
        {
            report.Notes.Add($"Issue 34's targets at 10,000 pods and 100 nodes (server RSS ≤ 400 MB, nodes joined ≤ 2 s, " +
                $"`kubectl get pods -A` ≤ 1 s) are checked by the full run only; this run had {nodes} nodes and {pods:N0} pods.");
        }
    }

    public static void CheckList(ScenarioReport report, int pods, double medianMilliseconds)
    {
        if (pods == FullPods)
        {
            report.Target("`kubectl get pods -A` over 10,000 pods, median (issue 34)", medianMilliseconds, 1000, "ms");
        }
    }
}
