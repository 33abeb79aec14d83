using Axolotl.Api.Apps;
using Axolotl.Api.Core;

namespace Axolotl.Controllers.Deployments;

/// <summary>
/// The numbers of a rollout (upstream deployment_util.go): surge and unavailability budgets, how far
/// the new ReplicaSet may grow, proportional shares when a Deployment is scaled mid-rollout, and the
/// completion, progress and timeout tests behind the Progressing condition. Pure functions.
/// </summary>
internal static class RolloutMath
{
    public const string RollingUpdate = "RollingUpdate";
    public const string Recreate = "Recreate";

    public static int Replicas(Deployment d) => d.Spec?.Replicas ?? 1;

    public static string StrategyType(Deployment d) => d.Spec?.Strategy?.Type is { Length: > 0 } type ? type : RollingUpdate;

    public static bool IsRollingUpdate(Deployment d) => StrategyType(d) == RollingUpdate;

    /// <summary>
    /// maxSurge (percentages round up) and maxUnavailable (percentages round down) of
    /// <paramref name="desired"/>. When both come to zero, maxUnavailable becomes 1: validation forbids
    /// 0/0, but rounding down can produce it, and a surge alone may be blocked by a quota.
    /// </summary>
    public static (int Surge, int Unavailable) ResolveFenceposts(IntOrString? maxSurge, IntOrString? maxUnavailable, int desired)
    {
        var surge = (maxSurge ?? IntOrString.FromInt(0)).GetScaledValue(desired, roundUp: true);
        var unavailable = (maxUnavailable ?? IntOrString.FromInt(0)).GetScaledValue(desired, roundUp: false);
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }
        return (surge, unavailable);
    }

    public static int MaxSurge(Deployment d)
    {
        if (!IsRollingUpdate(d))
        {
            return 0;
        }
        var rolling = d.Spec?.Strategy?.RollingUpdate;
        return ResolveFenceposts(rolling?.MaxSurge, rolling?.MaxUnavailable, Replicas(d)).Surge;
    }

    public static int MaxUnavailable(Deployment d)
    {
        if (!IsRollingUpdate(d) || Replicas(d) == 0)
        {
            return 0;
        }
        var rolling = d.Spec?.Strategy?.RollingUpdate;
        var unavailable = ResolveFenceposts(rolling?.MaxSurge, rolling?.MaxUnavailable, Replicas(d)).Unavailable;
        return Math.Min(unavailable, Replicas(d));
    }

    /// <summary>
    /// How many replicas the new ReplicaSet may have now: with RollingUpdate, as many as fit under
    /// replicas + maxSurge counting every ReplicaSet's spec.replicas, but never more than desired;
    /// with Recreate, all of them (old pods are gone by then).
    /// </summary>
    public static int NewReplicaSetReplicas(Deployment d, IEnumerable<ReplicaSet> all, ReplicaSet newRS)
    {
        var desired = Replicas(d);
        var current = newRS.Spec?.Replicas ?? 0;
        switch (StrategyType(d))
        {
            case RollingUpdate:
                var maxTotal = desired + MaxSurge(d);
                var total = ReplicaSetLists.SpecReplicas(all);
                if (total >= maxTotal)
                {
                    return current;
                }
                return current + Math.Min(maxTotal - total, desired - current);
            case Recreate:
                return desired;
            default:
                throw new InvalidOperationException($"deployment type {StrategyType(d)} isn't supported");
        }
    }

    /// <summary>The new ReplicaSet runs every desired replica, was last scaled for this size, and all of them are available.</summary>
    public static bool IsSaturated(Deployment d, ReplicaSet? rs) =>
        rs is not null &&
        (rs.Spec?.Replicas ?? 0) == Replicas(d) &&
        Revisions.DesiredReplicas(rs) == Replicas(d) &&
        (rs.Status?.AvailableReplicas ?? 0) == Replicas(d);

    /// <summary>
    /// The change in size of <paramref name="rs"/> when the whole Deployment grows or shrinks by
    /// <paramref name="toAdd"/>, of which <paramref name="added"/> is already handed out: its share of the
    /// new maximum, bounded by what is left (upstream GetProportion).
    /// </summary>
    public static int Proportion(ReplicaSet rs, Deployment d, int toAdd, int added)
    {
        if ((rs.Spec?.Replicas ?? 0) == 0 || toAdd == 0 || toAdd == added)
        {
            return 0;
        }
        var fraction = Fraction(rs, d);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    /// <summary>The ReplicaSet's size scaled from the old maximum (max-replicas annotation) to the new one, minus its size.</summary>
    private static int Fraction(ReplicaSet rs, Deployment d)
    {
        var size = rs.Spec?.Replicas ?? 0;
        if (Replicas(d) == 0)
        {
            return -size;
        }
        var newMax = Replicas(d) + MaxSurge(d);
        var oldMax = Revisions.MaxReplicas(rs) is { } annotated and > 0 ? annotated : d.Status?.Replicas ?? 0;
        if (oldMax == 0)
        {
            return 0;
        }
        // Go's math.Round: halves away from zero.
        return (int)Math.Round((double)size * newMax / oldMax, MidpointRounding.AwayFromZero) - size;
    }

    /// <summary>Every desired replica is updated, running and available, and the latest spec has been observed.</summary>
    public static bool DeploymentComplete(Deployment d, DeploymentStatus status) =>
        (status.UpdatedReplicas ?? 0) == Replicas(d) &&
        (status.Replicas ?? 0) == Replicas(d) &&
        (status.AvailableReplicas ?? 0) == Replicas(d) &&
        (status.ObservedGeneration ?? 0) >= (d.Metadata.Generation ?? 0);

    /// <summary>Something moved since the last status: more updated, ready or available pods, or fewer old ones.</summary>
    public static bool DeploymentProgressing(Deployment d, DeploymentStatus status)
    {
        var old = d.Status ?? new DeploymentStatus();
        var oldOld = (old.Replicas ?? 0) - (old.UpdatedReplicas ?? 0);
        var newOld = (status.Replicas ?? 0) - (status.UpdatedReplicas ?? 0);
        return (status.UpdatedReplicas ?? 0) > (old.UpdatedReplicas ?? 0) ||
               newOld < oldOld ||
               (status.ReadyReplicas ?? 0) > (old.ReadyReplicas ?? 0) ||
               (status.AvailableReplicas ?? 0) > (old.AvailableReplicas ?? 0);
    }

    /// <summary>
    /// No progress reported for longer than progressDeadlineSeconds since the Progressing condition was
    /// last updated. A completed rollout never times out; a timed-out one stays timed out.
    /// </summary>
    public static bool DeploymentTimedOut(Deployment d, DeploymentStatus status, DateTimeOffset now)
    {
        if (!HasProgressDeadline(d))
        {
            return false;
        }
        var condition = DeploymentConditions.Get(status, DeploymentConditions.Progressing);
        if (condition is null || condition.Reason == DeploymentConditions.NewReplicaSetAvailable)
        {
            return false;
        }
        if (condition.Reason == DeploymentConditions.ProgressDeadlineExceeded)
        {
            return true;
        }
        return condition.LastUpdateTime is { } from && from.AddSeconds(d.Spec!.ProgressDeadlineSeconds!.Value) < now;
    }

    /// <summary>A deadline is set and is not MaxInt32 (which means "no deadline").</summary>
    public static bool HasProgressDeadline(Deployment d) => d.Spec?.ProgressDeadlineSeconds is { } s && s != int.MaxValue;

    public static bool HasRevisionHistoryLimit(Deployment d) => d.Spec?.RevisionHistoryLimit is { } l && l != int.MaxValue;
}
