using Axolotl.Client.LeaderElection;

namespace Axolotl.Commands;

/// <summary>kube-controller-manager's and kube-scheduler's leader-election flags, shared by both components here.</summary>
public static partial class ServerCommand
{
    /// <summary>
    /// --leader-elect-lease-duration (15s), --leader-elect-renew-deadline (10s), --leader-elect-retry-period (2s):
    /// how long a dead leader's Lease keeps others waiting, and so how soon controllers act again after it died.
    /// Shorter timings fail over faster and cost more Lease writes; client-go's checks refuse timings under which
    /// two servers could both believe they lead.
    /// </summary>
    internal static LeaderElectionTimings LeaderElectionFrom(CommandLine args)
    {
        var timings = new LeaderElectionTimings(
            LocalAgent.Duration(args.Get("leader-elect-lease-duration"), LeaderElectionConfig.DefaultLeaseDuration),
            LocalAgent.Duration(args.Get("leader-elect-renew-deadline"), LeaderElectionConfig.DefaultRenewDeadline),
            LocalAgent.Duration(args.Get("leader-elect-retry-period"), LeaderElectionConfig.DefaultRetryPeriod));
        try
        {
            LeaderElectionConfig.ValidateTimings(timings.LeaseDuration, timings.RenewDeadline, timings.RetryPeriod);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"invalid --leader-elect-lease-duration/--leader-elect-renew-deadline/--leader-elect-retry-period: {e.Message}");
        }
        return timings;
    }
}

/// <summary>The three leader-election durations (client-go's LeaseDuration, RenewDeadline, RetryPeriod).</summary>
public sealed record LeaderElectionTimings(TimeSpan LeaseDuration, TimeSpan RenewDeadline, TimeSpan RetryPeriod);
