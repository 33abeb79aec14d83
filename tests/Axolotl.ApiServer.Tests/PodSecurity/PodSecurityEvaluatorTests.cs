using Axolotl.ApiServer.Admission.PodSecurity;

namespace Axolotl.ApiServer.Tests.PodSecurity;

/// <summary>Whole levels at given versions: which checks run, in which order, and how their results read together.</summary>
public sealed class PodSecurityEvaluatorTests
{
    private static LevelVersion Level(string level, string version)
    {
        Assert.True(PolicyLabels.TryParseLevel(level, out var l));
        Assert.True(PolicyVersion.TryParse(version, out var v));
        return new LevelVersion(l, v);
    }

    private static AggregateResult Evaluate(string level, string version, string spec, string annotations = "{}")
    {
        var pod = TestPods.FromSpec(spec, annotations);
        return PodSecurityEvaluator.Default.Evaluate(Level(level, version), pod.Metadata, pod.Spec!);
    }

    [Fact]
    public void The_docs_baseline_example_passes_baseline_and_fails_restricted_with_the_message_the_docs_print()
    {
        Assert.True(Evaluate("baseline", "latest", TestPods.DocsBaselineSpec).IsAllowed);

        var restricted = Evaluate("restricted", "latest", TestPods.DocsBaselineSpec);

        Assert.Equal(
            "allowPrivilegeEscalation != false (container \"nginx\" must set securityContext.allowPrivilegeEscalation=false), " +
            "unrestricted capabilities (container \"nginx\" must set securityContext.capabilities.drop=[\"ALL\"]), " +
            "runAsNonRoot != true (pod or container \"nginx\" must set securityContext.runAsNonRoot=true), " +
            "seccompProfile (pod or container \"nginx\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            restricted.ForbiddenDetail());
        Assert.Equal("allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile", restricted.ForbiddenReason());
    }

    [Theory]
    [InlineData("privileged")]
    [InlineData("baseline")]
    [InlineData("restricted")]
    public void The_minimal_restricted_pod_passes_every_level(string level)
    {
        Assert.True(Evaluate(level, "latest", TestPods.RestrictedSpec).IsAllowed);
        Assert.True(Evaluate(level, "v1.0", TestPods.RestrictedSpec).IsAllowed);
    }

    [Fact]
    public void Privileged_admits_anything()
    {
        Assert.True(Evaluate("privileged", "latest", """{"hostPID":true,"containers":[{"name":"a","image":"i","securityContext":{"privileged":true}}]}""").IsAllowed);
    }

    [Fact]
    public void Baseline_reports_every_failed_check_in_id_order()
    {
        var result = Evaluate("baseline", "latest", """
            {"hostNetwork":true,"volumes":[{"name":"root","hostPath":{"path":"/"}}],
             "securityContext":{"sysctls":[{"name":"kernel.msgmax","value":"1"}]},
             "containers":[{"name":"x","image":"i","ports":[{"containerPort":80,"hostPort":80}],
                            "securityContext":{"privileged":true,"capabilities":{"add":["SYS_ADMIN"]},"procMount":"Unmasked","seccompProfile":{"type":"Unconfined"}}}]}
            """);

        Assert.Equal(
            "non-default capabilities (container \"x\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add), " +
            "host namespaces (hostNetwork=true), hostPath volumes (volume \"root\"), hostPort (container \"x\" uses hostPort 80), " +
            "privileged (container \"x\" must not set securityContext.privileged=true), " +
            "procMount (container \"x\" must not set securityContext.procMount to \"Unmasked\"), " +
            "seccompProfile (container \"x\" must not set securityContext.seccompProfile.type to \"Unconfined\"), " +
            "forbidden sysctls (kernel.msgmax)",
            result.ForbiddenDetail());
    }

    [Fact]
    public void Restricted_replaces_the_baseline_checks_it_overrides()
    {
        var result = Evaluate("restricted", "latest", """
            {"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
             "volumes":[{"name":"root","hostPath":{"path":"/"}}],
             "containers":[{"name":"x","image":"i","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"],"add":["SYS_ADMIN"]}}}]}
            """);

        // hostPathVolumes and capabilities_baseline give way to restrictedVolumes and capabilities_restricted.
        Assert.Equal(
            "unrestricted capabilities (container \"x\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add), " +
            "restricted volume types (volume \"root\" uses restricted volume type \"hostPath\")",
            result.ForbiddenDetail());
    }

    [Fact]
    public void Restricted_baseline_failures_come_before_restricted_ones()
    {
        var result = Evaluate("restricted", "latest", """
            {"hostIPC":true,"securityContext":{"runAsNonRoot":true,"runAsUser":0,"seccompProfile":{"type":"RuntimeDefault"}},
             "containers":[{"name":"x","image":"i","securityContext":{"privileged":true,"capabilities":{"drop":["ALL"]}}}]}
            """);

        Assert.Equal(
            "host namespaces (hostIPC=true), privileged (container \"x\" must not set securityContext.privileged=true), " +
            "allowPrivilegeEscalation != false (container \"x\" must set securityContext.allowPrivilegeEscalation=false), " +
            "runAsUser=0 (pod must not set runAsUser=0)",
            result.ForbiddenDetail());
    }

    [Fact]
    public void Older_versions_run_the_checks_of_their_time()
    {
        var rootPod = TestPods.RestrictedWith("""{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"runAsUser":0}""");
        Assert.Equal("runAsUser=0 (container \"app\" must not set runAsUser=0)", Evaluate("restricted", "v1.23", rootPod).ForbiddenDetail());
        Assert.True(Evaluate("restricted", "v1.22", rootPod).IsAllowed);

        // Before v1.22 restricted had no capabilities_restricted: the baseline capabilities check applies.
        var noDrop = TestPods.RestrictedWith("""{"allowPrivilegeEscalation":false,"capabilities":{"add":["NET_RAW"]}}""");
        Assert.Equal("unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]; container \"app\" must not include \"NET_RAW\" in securityContext.capabilities.add)",
            Evaluate("restricted", "v1.22", noDrop).ForbiddenDetail());
        Assert.Equal("non-default capabilities (container \"app\" must not include \"NET_RAW\" in securityContext.capabilities.add)",
            Evaluate("restricted", "v1.21", noDrop).ForbiddenDetail());

        // Before v1.19 seccomp lived in annotations, and restricted required no profile at all.
        const string unsetSeccomp = """{"securityContext":{"runAsNonRoot":true},"containers":[{"name":"app","image":"i","securityContext":{"allowPrivilegeEscalation":false}}]}""";
        Assert.True(Evaluate("restricted", "v1.18", unsetSeccomp).IsAllowed);
        Assert.Equal("seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            Evaluate("restricted", "v1.19", unsetSeccomp).ForbiddenDetail());
        Assert.Equal("seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod=\"unconfined\")",
            Evaluate("restricted", "v1.18", unsetSeccomp, """{"seccomp.security.alpha.kubernetes.io/pod":"unconfined"}""").ForbiddenDetail());

        // allowPrivilegeEscalation arrived in v1.8.
        Assert.True(Evaluate("restricted", "v1.7", """{"securityContext":{"runAsNonRoot":true},"containers":[{"name":"app","image":"i"}]}""").IsAllowed);
    }

    [Fact]
    public void Windows_pods_skip_the_linux_only_restricted_checks_from_v1_25()
    {
        const string windows = """{"os":{"name":"windows"},"securityContext":{"runAsNonRoot":true},"containers":[{"name":"w","image":"i"}]}""";

        Assert.True(Evaluate("restricted", "v1.25", windows).IsAllowed);
        Assert.Equal(
            "allowPrivilegeEscalation != false (container \"w\" must set securityContext.allowPrivilegeEscalation=false), " +
            "unrestricted capabilities (container \"w\" must set securityContext.capabilities.drop=[\"ALL\"]), " +
            "seccompProfile (pod or container \"w\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            Evaluate("restricted", "v1.24", windows).ForbiddenDetail());
    }

    [Fact]
    public void Latest_and_future_versions_are_the_newest_check_set()
    {
        Assert.Equal(PolicyVersion.V1(32), PodSecurityEvaluator.Default.NewestVersion);
        const string sysctl = """{"securityContext":{"sysctls":[{"name":"net.ipv4.tcp_rmem","value":"1 2 3"}]},"containers":[{"name":"a","image":"i"}]}""";

        Assert.True(Evaluate("baseline", "latest", sysctl).IsAllowed);
        Assert.True(Evaluate("baseline", "v1.32", sysctl).IsAllowed);
        Assert.True(Evaluate("baseline", "v1.99", sysctl).IsAllowed);
        Assert.False(Evaluate("baseline", "v1.31", sysctl).IsAllowed);
    }
}
