using Axolotl.ApiServer.Admission.PodSecurity;
using Axolotl.ApiServer.Admission.PodSecurity.Checks;

namespace Axolotl.ApiServer.Tests.PodSecurity;

/// <summary>
/// Each check of the standards on pods that pass and fail it, with the reason and detail upstream's
/// check of the same revision prints (k8s.io/pod-security-admission 1.32, policy/check_*.go).
/// </summary>
public sealed class PodSecurityChecksTests
{
    private static CheckResult Run(string checkId, string version, string specJson, string annotationsJson = "{}")
    {
        Assert.True(PolicyVersion.TryParse(version, out var v));
        var check = DefaultChecks.All.Single(c => c.Id == checkId);
        var revision = check.Versions.Last(r => !v.IsOlderThan(r.MinimumVersion));
        var pod = TestPods.FromSpec(specJson, annotationsJson);
        return revision.CheckPod(pod.Metadata, pod.Spec!);
    }

    public static TheoryData<string, string, string, string, string, string> Violations => new()
    {
        // check, version, spec, annotations, reason, detail
        { "hostNamespaces", "v1.0", """{"hostNetwork":true,"hostPID":true,"hostIPC":true,"containers":[{"name":"a","image":"i"}]}""", "{}",
            "host namespaces", "hostNetwork=true, hostPID=true, hostIPC=true" },
        { "hostNamespaces", "v1.32", """{"hostPID":true,"containers":[{"name":"a","image":"i"}]}""", "{}", "host namespaces", "hostPID=true" },
        { "privileged", "v1.0", """{"initContainers":[{"name":"i","image":"i","securityContext":{"privileged":true}}],"containers":[{"name":"a","image":"i","securityContext":{"privileged":false}},{"name":"b","image":"i","securityContext":{"privileged":true}}]}""", "{}",
            "privileged", "containers \"i\", \"b\" must not set securityContext.privileged=true" },
        { "capabilities_baseline", "v1.0", """{"containers":[{"name":"a","image":"i","securityContext":{"capabilities":{"add":["NET_RAW","CHOWN","SYS_ADMIN"]}}},{"name":"b","image":"i","securityContext":{"capabilities":{"add":["BPF","NET_RAW"]}}}]}""", "{}",
            "non-default capabilities", "containers \"a\", \"b\" must not include \"BPF\", \"NET_RAW\", \"SYS_ADMIN\" in securityContext.capabilities.add" },
        { "capabilities_restricted", "v1.22", """{"containers":[{"name":"a","image":"i"},{"name":"b","image":"i","securityContext":{"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE","CHOWN"]}}},{"name":"c","image":"i","securityContext":{"capabilities":{"add":["FOO"]}}}]}""", "{}",
            "unrestricted capabilities", "containers \"a\", \"c\" must set securityContext.capabilities.drop=[\"ALL\"]; containers \"b\", \"c\" must not include \"CHOWN\", \"FOO\" in securityContext.capabilities.add" },
        { "hostPathVolumes", "v1.0", """{"volumes":[{"name":"a","hostPath":{"path":"/a"}},{"name":"e","emptyDir":{}},{"name":"b","hostPath":{"path":"/b"}}],"containers":[{"name":"c","image":"i"}]}""", "{}",
            "hostPath volumes", "volumes \"a\", \"b\"" },
        { "hostPorts", "v1.0", """{"containers":[{"name":"a","image":"i","ports":[{"containerPort":80}]},{"name":"b","image":"i","ports":[{"containerPort":8080,"hostPort":8080},{"containerPort":90,"hostPort":9000}]},{"name":"c","image":"i","ports":[{"containerPort":80,"hostPort":80}]}]}""", "{}",
            "hostPort", "containers \"b\", \"c\" use hostPorts 80, 8080, 9000" },
        { "hostPorts", "v1.0", """{"containers":[{"name":"b","image":"i","ports":[{"containerPort":20,"hostPort":20}]}]}""", "{}", "hostPort", "container \"b\" uses hostPort 20" },
        { "appArmorProfile", "v1.0", """{"securityContext":{"appArmorProfile":{"type":"Unconfined"}},"containers":[{"name":"a","image":"i","securityContext":{"appArmorProfile":{"type":"Unconfined"}}},{"name":"b","image":"i","securityContext":{"appArmorProfile":{"type":"RuntimeDefault"}}}]}""",
            """{"container.apparmor.security.beta.kubernetes.io/a":"unconfined","container.apparmor.security.beta.kubernetes.io/b":"localhost/mine"}""",
            "forbidden AppArmor profiles", "pod and container \"a\" and annotation must not set AppArmor profile type to \"Unconfined\", \"container.apparmor.security.beta.kubernetes.io/a=\"unconfined\"\"" },
        { "appArmorProfile", "v1.0", """{"containers":[{"name":"foo","image":"i","securityContext":{"appArmorProfile":{"type":"Unconfined"}}}]}""", "{}",
            "forbidden AppArmor profile", "container \"foo\" must not set AppArmor profile type to \"Unconfined\"" },
        { "seLinuxOptions", "v1.0", """{"securityContext":{"seLinuxOptions":{"type":"foo"}},"containers":[{"name":"e","image":"i","securityContext":{"seLinuxOptions":{"type":"bar","user":"u"}}},{"name":"f","image":"i","securityContext":{"seLinuxOptions":{"role":"r"}}},{"name":"g","image":"i","securityContext":{"seLinuxOptions":{"type":"container_t","level":"s0:c1"}}}]}""", "{}",
            "seLinuxOptions", "pod and containers \"e\", \"f\" set forbidden securityContext.seLinuxOptions: types \"bar\", \"foo\"; user may not be set; role may not be set" },
        { "seLinuxOptions", "v1.30", """{"containers":[{"name":"a","image":"i","securityContext":{"seLinuxOptions":{"type":"container_engine_t"}}}]}""", "{}",
            "seLinuxOptions", "container \"a\" set forbidden securityContext.seLinuxOptions: type \"container_engine_t\"" },
        { "procMount", "v1.0", """{"hostUsers":false,"containers":[{"name":"a","image":"i","securityContext":{"procMount":"Default"}},{"name":"d","image":"i","securityContext":{"procMount":"Unmasked"}}]}""", "{}",
            "procMount", "container \"d\" must not set securityContext.procMount to \"Unmasked\"" },
        { "seccompProfile_baseline", "v1.19", """{"securityContext":{"seccompProfile":{"type":"Unconfined"}},"containers":[{"name":"a","image":"i","securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"p.json"}}},{"name":"c","image":"i","securityContext":{"seccompProfile":{"type":"Unconfined"}}}]}""", "{}",
            "seccompProfile", "pod and container \"c\" must not set securityContext.seccompProfile.type to \"Unconfined\"" },
        { "seccompProfile_baseline", "v1.18", """{"containers":[{"name":"a","image":"i"},{"name":"b","image":"i"}]}""",
            """{"seccomp.security.alpha.kubernetes.io/pod":"unconfined","container.seccomp.security.alpha.kubernetes.io/a":"unconfined","container.seccomp.security.alpha.kubernetes.io/b":"docker/default"}""",
            "seccompProfile", "forbidden annotations container.seccomp.security.alpha.kubernetes.io/a=\"unconfined\", seccomp.security.alpha.kubernetes.io/pod=\"unconfined\"" },
        { "seccompProfile_restricted", "v1.19", """{"containers":[{"name":"a","image":"i"},{"name":"b","image":"i"},{"name":"c","image":"i","securityContext":{"seccompProfile":{"type":"RuntimeDefault"}}}]}""", "{}",
            "seccompProfile", "pod or containers \"a\", \"b\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"" },
        { "seccompProfile_restricted", "v1.25", """{"securityContext":{"seccompProfile":{"type":"Unconfined"}},"containers":[{"name":"a","image":"i"},{"name":"c","image":"i","securityContext":{"seccompProfile":{"type":"Unconfined"}}}]}""", "{}",
            "seccompProfile", "pod and container \"c\" must not set securityContext.seccompProfile.type to \"Unconfined\"" },
        { "sysctls", "v1.0", """{"securityContext":{"sysctls":[{"name":"kernel.shm_rmid_forced","value":"0"},{"name":"net.ipv4.ip_local_reserved_ports","value":"80"},{"name":"kernel.msgmax","value":"1"}]},"containers":[{"name":"a","image":"i"}]}""", "{}",
            "forbidden sysctls", "net.ipv4.ip_local_reserved_ports, kernel.msgmax" },
        { "sysctls", "v1.28", """{"securityContext":{"sysctls":[{"name":"net.ipv4.tcp_keepalive_time","value":"60"}]},"containers":[{"name":"a","image":"i"}]}""", "{}",
            "forbidden sysctls", "net.ipv4.tcp_keepalive_time" },
        { "sysctls", "v1.31", """{"securityContext":{"sysctls":[{"name":"net.ipv4.tcp_rmem","value":"4096 87380 6291456"},{"name":"net.ipv4.tcp_wmem","value":"4096 16384 4194304"}]},"containers":[{"name":"a","image":"i"}]}""", "{}",
            "forbidden sysctls", "net.ipv4.tcp_rmem, net.ipv4.tcp_wmem" },
        { "windowsHostProcess", "v1.0", """{"securityContext":{"windowsOptions":{"hostProcess":true}},"containers":[{"name":"e","image":"i","securityContext":{"windowsOptions":{"hostProcess":true}}},{"name":"f","image":"i","securityContext":{"windowsOptions":{"hostProcess":false}}}]}""", "{}",
            "hostProcess", "pod and container \"e\" must not set securityContext.windowsOptions.hostProcess=true" },
        { "restrictedVolumes", "v1.0", """{"volumes":[{"name":"ok","configMap":{"name":"c"}},{"name":"a","hostPath":{"path":"/"}},{"name":"b","nfs":{"server":"s","path":"/"}},{"name":"c","hostPath":{"path":"/c"}}],"containers":[{"name":"x","image":"i"}]}""", "{}",
            "restricted volume types", "volumes \"a\", \"b\", \"c\" use restricted volume types \"hostPath\", \"nfs\"" },
        { "restrictedVolumes", "v1.32", """{"volumes":[{"name":"img","image":{"reference":"busybox"}}],"containers":[{"name":"x","image":"i"}]}""", "{}",
            "restricted volume types", "volume \"img\" uses restricted volume type \"unknown\"" },
        { "allowPrivilegeEscalation", "v1.8", """{"containers":[{"name":"a","image":"i"},{"name":"b","image":"i","securityContext":{"allowPrivilegeEscalation":true}},{"name":"c","image":"i","securityContext":{"allowPrivilegeEscalation":false}}]}""", "{}",
            "allowPrivilegeEscalation != false", "containers \"a\", \"b\" must set securityContext.allowPrivilegeEscalation=false" },
        { "allowPrivilegeEscalation", "v1.24", """{"os":{"name":"windows"},"containers":[{"name":"a","image":"i"}]}""", "{}",
            "allowPrivilegeEscalation != false", "container \"a\" must set securityContext.allowPrivilegeEscalation=false" },
        { "runAsNonRoot", "v1.0", """{"containers":[{"name":"a","image":"i"},{"name":"b","image":"i","securityContext":{"runAsNonRoot":true}}]}""", "{}",
            "runAsNonRoot != true", "pod or container \"a\" must set securityContext.runAsNonRoot=true" },
        { "runAsNonRoot", "v1.0", """{"securityContext":{"runAsNonRoot":false},"containers":[{"name":"a","image":"i"},{"name":"c","image":"i","securityContext":{"runAsNonRoot":false}}]}""", "{}",
            "runAsNonRoot != true", "pod and container \"c\" must not set securityContext.runAsNonRoot=false" },
        { "runAsUser", "v1.23", """{"securityContext":{"runAsUser":0},"containers":[{"name":"a","image":"i","securityContext":{"runAsUser":1000}},{"name":"c","image":"i","securityContext":{"runAsUser":0}},{"name":"d","image":"i","securityContext":{"runAsUser":0}}]}""", "{}",
            "runAsUser=0", "pod and containers \"c\", \"d\" must not set runAsUser=0" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void A_violating_pod_is_refused_with_upstreams_reason_and_detail(string check, string version, string spec, string annotations, string reason, string detail)
    {
        var result = Run(check, version, spec, annotations);

        Assert.False(result.Allowed);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(detail, result.Detail);
    }

    public static TheoryData<string, string, string, string> Allowed => new()
    {
        { "hostNamespaces", "v1.0", """{"hostNetwork":false,"containers":[{"name":"a","image":"i"}]}""", "{}" },
        { "privileged", "v1.0", """{"containers":[{"name":"a","image":"i","securityContext":{"privileged":false}}]}""", "{}" },
        { "capabilities_baseline", "v1.0", """{"containers":[{"name":"a","image":"i","securityContext":{"capabilities":{"add":["AUDIT_WRITE","CHOWN","DAC_OVERRIDE","FOWNER","FSETID","KILL","MKNOD","NET_BIND_SERVICE","SETFCAP","SETGID","SETPCAP","SETUID","SYS_CHROOT"],"drop":["NET_RAW"]}}}]}""", "{}" },
        { "capabilities_restricted", "v1.22", """{"containers":[{"name":"a","image":"i","securityContext":{"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]}}}]}""", "{}" },
        { "capabilities_restricted", "v1.25", """{"os":{"name":"windows"},"containers":[{"name":"a","image":"i"}]}""", "{}" },
        { "hostPathVolumes", "v1.0", """{"volumes":[{"name":"e","emptyDir":{}}],"containers":[{"name":"a","image":"i"}]}""", "{}" },
        { "hostPorts", "v1.0", """{"containers":[{"name":"a","image":"i","ports":[{"containerPort":80,"hostPort":0}]}]}""", "{}" },
        { "appArmorProfile", "v1.0", """{"securityContext":{"appArmorProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"a","image":"i","securityContext":{"appArmorProfile":{"type":"Localhost","localhostProfile":"p"}}}]}""",
            """{"container.apparmor.security.beta.kubernetes.io/a":"runtime/default","container.apparmor.security.beta.kubernetes.io/b":""}""" },
        { "seLinuxOptions", "v1.0", """{"securityContext":{"seLinuxOptions":{"type":"container_init_t","level":"s0"}},"containers":[{"name":"a","image":"i","securityContext":{"seLinuxOptions":{"type":"container_kvm_t"}}}]}""", "{}" },
        { "seLinuxOptions", "v1.31", """{"containers":[{"name":"a","image":"i","securityContext":{"seLinuxOptions":{"type":"container_engine_t"}}}]}""", "{}" },
        { "procMount", "v1.0", """{"containers":[{"name":"a","image":"i","securityContext":{"procMount":"Default"}}]}""", "{}" },
        { "seccompProfile_baseline", "v1.19", """{"containers":[{"name":"a","image":"i"}]}""", """{"seccomp.security.alpha.kubernetes.io/pod":"unconfined"}""" },
        { "seccompProfile_baseline", "v1.18", """{"containers":[{"name":"a","image":"i"}]}""", """{"seccomp.security.alpha.kubernetes.io/pod":"runtime/default","container.seccomp.security.alpha.kubernetes.io/a":"localhost/p.json"}""" },
        { "seccompProfile_restricted", "v1.19", """{"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"a","image":"i"},{"name":"b","image":"i","securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"p"}}}]}""", "{}" },
        { "seccompProfile_restricted", "v1.25", """{"os":{"name":"windows"},"containers":[{"name":"a","image":"i"}]}""", "{}" },
        { "sysctls", "v1.27", """{"securityContext":{"sysctls":[{"name":"net.ipv4.ip_local_reserved_ports","value":"80"}]},"containers":[{"name":"a","image":"i"}]}""", "{}" },
        { "sysctls", "v1.29", """{"securityContext":{"sysctls":[{"name":"net.ipv4.tcp_keepalive_time","value":"60"},{"name":"net.ipv4.tcp_fin_timeout","value":"60"},{"name":"net.ipv4.tcp_keepalive_intvl","value":"60"},{"name":"net.ipv4.tcp_keepalive_probes","value":"6"}]},"containers":[{"name":"a","image":"i"}]}""", "{}" },
        { "sysctls", "v1.32", """{"securityContext":{"sysctls":[{"name":"net.ipv4.tcp_rmem","value":"4096 87380 6291456"},{"name":"net.ipv4.tcp_wmem","value":"4096 16384 4194304"}]},"containers":[{"name":"a","image":"i"}]}""", "{}" },
        { "windowsHostProcess", "v1.0", """{"securityContext":{"windowsOptions":{"hostProcess":false}},"containers":[{"name":"a","image":"i"}]}""", "{}" },
        { "restrictedVolumes", "v1.0", """{"volumes":[{"name":"a","configMap":{"name":"c"}},{"name":"b","secret":{"secretName":"s"}},{"name":"c","emptyDir":{}},{"name":"d","downwardAPI":{}},{"name":"e","projected":{"sources":[]}},{"name":"f","persistentVolumeClaim":{"claimName":"c"}},{"name":"g","csi":{"driver":"d"}},{"name":"h","ephemeral":{}}],"containers":[{"name":"x","image":"i"}]}""", "{}" },
        { "allowPrivilegeEscalation", "v1.25", """{"os":{"name":"windows"},"containers":[{"name":"a","image":"i"}]}""", "{}" },
        { "runAsNonRoot", "v1.0", """{"securityContext":{"runAsNonRoot":true},"containers":[{"name":"a","image":"i"},{"name":"b","image":"i","securityContext":{"runAsNonRoot":true}}]}""", "{}" },
        { "runAsUser", "v1.23", """{"securityContext":{"runAsUser":1000},"containers":[{"name":"a","image":"i","securityContext":{"runAsUser":1}}]}""", "{}" },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void A_conforming_pod_passes(string check, string version, string spec, string annotations)
    {
        var result = Run(check, version, spec, annotations);

        Assert.True(result.Allowed, $"{check} {version}: {result.Reason} ({result.Detail})");
    }

    [Fact]
    public void Ephemeral_containers_are_checked_after_init_and_app_containers()
    {
        var result = Run("privileged", "latest", """
            {"initContainers":[{"name":"init","image":"i","securityContext":{"privileged":true}}],
             "containers":[{"name":"app","image":"i","securityContext":{"privileged":true}}],
             "ephemeralContainers":[{"name":"debug","image":"i","securityContext":{"privileged":true}}]}
            """);

        Assert.Equal("containers \"init\", \"app\", \"debug\" must not set securityContext.privileged=true", result.Detail);
    }
}
