using Axolotl.Api.Autoscaling;

namespace Axolotl.Controllers.PodAutoscaler;

/// <summary>The outcome of applying an HPA's behavior, with the reasons upstream puts in AbleToScale and ScalingLimited.</summary>
public sealed record BehaviorDecision(int Replicas, string StabilizeReason, string StabilizeMessage, string LimitReason, string LimitMessage)
{
    public bool Stabilized => StabilizeReason != "ReadyForNewScale";

    public bool Limited => LimitReason != "DesiredWithinRange";
}

/// <summary>
/// Upstream's normalizeDesiredReplicasWithBehaviors for one HPA, pure apart from the history it
/// keeps: the recommendations of the stabilisation windows (scale up to the lowest recommendation
/// of the scale-up window, down to the highest of the scale-down window), then the rate policies
/// over the scale events of each policy's period (Max picks the policy allowing the biggest change,
/// Min the smallest, Disabled none), then min/max replicas.
/// </summary>
public sealed class ScaleBehavior
{
    private readonly List<(DateTimeOffset At, int Replicas)> _recommendations = [];
    private readonly List<(DateTimeOffset At, int Change)> _scaleUps = [];
    private readonly List<(DateTimeOffset At, int Change)> _scaleDowns = [];

    public BehaviorDecision Normalize(HorizontalPodAutoscalerBehavior behavior, int current, int desired, int minReplicas, int maxReplicas, DateTimeOffset now)
    {
        var upWindow = TimeSpan.FromSeconds(behavior.ScaleUp?.StabilizationWindowSeconds ?? 0);
        var downWindow = TimeSpan.FromSeconds(behavior.ScaleDown?.StabilizationWindowSeconds ?? 300);
        var up = desired;
        var down = desired;
        foreach (var (at, replicas) in _recommendations)
        {
            if (at > now - upWindow)
            {
                up = Math.Min(up, replicas);
            }
            if (at > now - downWindow)
            {
                down = Math.Max(down, replicas);
            }
        }
        var stabilized = Math.Min(Math.Max(current, up), down);
        var longest = upWindow > downWindow ? upWindow : downWindow;
        _recommendations.RemoveAll(r => r.At <= now - longest);
        _recommendations.Add((now, desired));

        var (stabilizeReason, stabilizeMessage) = stabilized == desired
            ? ("ReadyForNewScale", "recommended size matches current size")
            : stabilized < desired
                ? ("ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation")
                : ("ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");

        var result = stabilized;
        var (limitReason, limitMessage) = ("DesiredWithinRange", "the desired count is within the acceptable range");
        if (stabilized > current)
        {
            var rateLimit = Math.Max(current, ScaleUpLimit(current, behavior.ScaleUp, now));
            var (allowed, reason, message) = maxReplicas > rateLimit
                ? (rateLimit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
                : (maxReplicas, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
            if (stabilized > allowed)
            {
                (result, limitReason, limitMessage) = (allowed, reason, message);
            }
        }
        else if (stabilized < current)
        {
            var rateLimit = Math.Min(current, ScaleDownLimit(current, behavior.ScaleDown, now));
            var (allowed, reason, message) = minReplicas < rateLimit
                ? (rateLimit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
                : (minReplicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
            if (stabilized < allowed)
            {
                (result, limitReason, limitMessage) = (allowed, reason, message);
            }
        }
        return new BehaviorDecision(result, stabilizeReason, stabilizeMessage, limitReason, limitMessage);
    }

    /// <summary>Records a rescale so the rate policies count it within their periods.</summary>
    public void RecordScale(int from, int to, DateTimeOffset now)
    {
        var events = to > from ? _scaleUps : _scaleDowns;
        events.RemoveAll(e => e.At <= now - TimeSpan.FromSeconds(1800)); // the longest period a policy may have
        if (to != from)
        {
            events.Add((now, Math.Abs(to - from)));
        }
    }

    private int ScaleUpLimit(int current, HPAScalingRules? rules, DateTimeOffset now)
    {
        if (rules is null || rules.SelectPolicy == "Disabled")
        {
            return current;
        }
        var useMax = rules.SelectPolicy != "Min";
        var result = useMax ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies ?? [])
        {
            var since = now - TimeSpan.FromSeconds(policy.PeriodSeconds);
            var periodStart = current - Sum(_scaleUps, since) + Sum(_scaleDowns, since);
            var proposed = policy.Type == "Pods" ? periodStart + policy.Value : (int)Math.Ceiling(periodStart * (1 + (policy.Value / 100.0)));
            result = useMax ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }
        return result is int.MinValue or int.MaxValue ? current : result;
    }

    private int ScaleDownLimit(int current, HPAScalingRules? rules, DateTimeOffset now)
    {
        if (rules is null || rules.SelectPolicy == "Disabled")
        {
            return current;
        }
        var useMax = rules.SelectPolicy != "Min";
        var result = useMax ? int.MaxValue : int.MinValue;
        foreach (var policy in rules.Policies ?? [])
        {
            var since = now - TimeSpan.FromSeconds(policy.PeriodSeconds);
            var periodStart = current - Sum(_scaleUps, since) + Sum(_scaleDowns, since);
            var proposed = policy.Type == "Pods" ? periodStart - policy.Value : (int)(periodStart * (1 - (policy.Value / 100.0)));
            // The biggest change down is the smallest count.
            result = useMax ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }
        return result is int.MinValue or int.MaxValue ? current : result;
    }

    private static int Sum(List<(DateTimeOffset At, int Change)> events, DateTimeOffset since) => events.Where(e => e.At > since).Sum(e => e.Change);
}
