using Axolotl.ApiServer.Admission.PodSecurity;

namespace Axolotl.ApiServer.Tests.PodSecurity;

/// <summary>Reading a namespace's pod-security.kubernetes.io labels over the cluster defaults, as upstream's PolicyToEvaluate.</summary>
public sealed class PolicyLabelsTests
{
    private static (NamespacePolicy Policy, List<string> Errors) Read(params (string Key, string Value)[] labels)
    {
        var (policy, errors) = PolicyLabels.Evaluate(labels.ToDictionary(l => PolicyLabels.Prefix + l.Key, l => l.Value), NamespacePolicy.Privileged);
        return (policy, errors.Select(e => e.ToString()).ToList());
    }

    private static string Modes(NamespacePolicy p) => $"enforce={p.Enforce} audit={p.Audit} warn={p.Warn}";

    [Fact]
    public void No_labels_is_the_cluster_default()
    {
        var defaults = new NamespacePolicy(
            new LevelVersion(PodSecurityLevel.Baseline, PolicyVersion.V1(30)), LevelVersion.PrivilegedLatest, LevelVersion.PrivilegedLatest);

        var (policy, errors) = PolicyLabels.Evaluate(new Dictionary<string, string> { ["team"] = "a" }, defaults);

        Assert.Empty(errors);
        Assert.Equal("enforce=baseline:v1.30 audit=privileged:latest warn=privileged:latest", Modes(policy));
    }

    [Fact]
    public void Warn_follows_a_stricter_enforce_level_unless_it_has_its_own_label()
    {
        Assert.Equal("enforce=restricted:v1.29 audit=privileged:latest warn=restricted:v1.29",
            Modes(Read(("enforce", "restricted"), ("enforce-version", "v1.29")).Policy));
        Assert.Equal("enforce=restricted:latest audit=privileged:latest warn=restricted:v1.20",
            Modes(Read(("enforce", "restricted"), ("warn-version", "v1.20")).Policy));
        Assert.Equal("enforce=restricted:latest audit=privileged:latest warn=baseline:latest",
            Modes(Read(("enforce", "restricted"), ("warn", "baseline")).Policy));
        Assert.Equal("enforce=privileged:v1.25 audit=privileged:latest warn=privileged:latest",
            Modes(Read(("enforce-version", "v1.25")).Policy));
    }

    [Fact]
    public void A_bad_enforce_level_fails_closed_and_bad_audit_or_warn_levels_fail_open()
    {
        var (policy, errors) = Read(("enforce", "strict"), ("audit", "loud"), ("warn", "Restricted"));

        Assert.Equal("enforce=restricted:latest audit=privileged:latest warn=privileged:latest", Modes(policy));
        Assert.Equal(
        [
            "metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted",
            "metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: \"loud\": must be one of privileged, baseline, restricted",
            "metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: \"Restricted\": must be one of privileged, baseline, restricted",
        ], errors);
    }

    [Theory]
    [InlineData("latest", true, "latest")]
    [InlineData("v1.0", true, "v1.0")]
    [InlineData("v1.32", true, "v1.32")]
    [InlineData("v1.100", true, "v1.100")]
    [InlineData("v1.01", false, "latest")]
    [InlineData("v2.0", false, "latest")]
    [InlineData("1.25", false, "latest")]
    [InlineData("v1.25.0", false, "latest")]
    [InlineData("Latest", false, "latest")]
    [InlineData("v1.99999999999", false, "latest")]
    public void Versions_are_latest_or_v1_dot_a_minor(string text, bool valid, string read)
    {
        var (policy, errors) = Read(("enforce", "baseline"), ("enforce-version", text));

        Assert.Equal(read, policy.Enforce.Version.ToString());
        Assert.Equal(valid ? [] : [$"metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: \"{text}\": must be \"latest\" or \"v1.x\""], errors);
    }
}
