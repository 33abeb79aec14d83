using System.Collections.Concurrent;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// Runs the checks a level and version call for, as upstream's check registry does: baseline checks
/// (ordered by id) then, for restricted, the restricted checks (ordered by id) minus the baseline checks
/// they override; each check in the revision in force at that version; a version past the newest
/// revision of any check (and latest) evaluates as that newest version.
/// </summary>
public sealed class PodSecurityEvaluator
{
    private readonly IReadOnlyList<PodSecurityCheck> _checks;
    private readonly PolicyVersion _newest;
    private readonly ConcurrentDictionary<LevelVersion, Func<ObjectMeta, PodSpec, CheckResult>[]> _plans = new();

    public PodSecurityEvaluator(IReadOnlyList<PodSecurityCheck> checks)
    {
        _checks = [.. checks.Where(c => c.Level == PodSecurityLevel.Baseline).OrderBy(c => c.Id, StringComparer.Ordinal)
            .Concat(checks.Where(c => c.Level == PodSecurityLevel.Restricted).OrderBy(c => c.Id, StringComparer.Ordinal))];
        _newest = checks.Select(c => c.Versions[^1].MinimumVersion).Aggregate(PolicyVersion.V1(0), (a, b) => a.IsOlderThan(b) ? b : a);
    }

    /// <summary>The checks of Kubernetes 1.32's Pod Security admission.</summary>
    public static PodSecurityEvaluator Default { get; } = new(Checks.DefaultChecks.All);

    /// <summary>The newest version any check has a revision for (what latest means).</summary>
    public PolicyVersion NewestVersion => _newest;

    public AggregateResult Evaluate(LevelVersion policy, ObjectMeta meta, PodSpec spec)
    {
        if (policy.Level == PodSecurityLevel.Privileged)
        {
            return AggregateResult.Allowed;
        }
        var version = _newest.IsOlderThan(policy.Version) ? _newest : policy.Version;
        var plan = _plans.GetOrAdd(policy with { Version = version }, Plan);
        return new AggregateResult(plan.Select(check => check(meta, spec)));
    }

    private Func<ObjectMeta, PodSpec, CheckResult>[] Plan(LevelVersion policy)
    {
        var inForce = _checks
            .Where(c => c.Level <= policy.Level)
            .Select(c => (c.Id, Revision: c.Versions.LastOrDefault(v => !policy.Version.IsOlderThan(v.MinimumVersion))))
            .Where(c => c.Revision is not null)
            .ToList();
        var overridden = inForce.SelectMany(c => c.Revision!.Overrides ?? []).ToHashSet(StringComparer.Ordinal);
        return [.. inForce.Where(c => !overridden.Contains(c.Id)).Select(c => c.Revision!.CheckPod)];
    }
}
