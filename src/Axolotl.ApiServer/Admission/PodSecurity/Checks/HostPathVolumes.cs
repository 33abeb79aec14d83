using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>Baseline, v1.0+: no hostPath volumes (restricted replaces this with <see cref="RestrictedVolumes"/>).</summary>
public static class HostPathVolumes
{
    public const string Id = "hostPathVolumes";

    public static PodSecurityCheck Check { get; } = new(Id, PodSecurityLevel.Baseline, [new(PolicyVersion.V1(0), Evaluate)]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var bad = (spec.Volumes ?? []).Where(v => v.HostPath is not null).Select(v => v.Name).ToList();
        return bad.Count == 0
            ? CheckResult.Allow
            : CheckResult.Forbid("hostPath volumes", $"{CheckText.Pluralize("volume", "volumes", bad.Count)} {CheckText.JoinQuote(bad)}");
    }
}
