using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Security.Escape;

/// <summary>
/// The escape suite's gate: a namespace labelled Pod Security <c>restricted</c> admits none of the pods
/// that need <c>baseline</c> or <c>privileged</c>. Each case starts from one pod that restricted admits and
/// changes one field to what an attacker would want (a host namespace, a host path, a capability, root…);
/// the real kubectl must be refused with a 403 naming the check, and no such pod may exist afterwards.
/// The escape tests of the other files then run their attacks from pods this gate lets through.
/// </summary>
[Collection(SharedServerGCollection.Name)]
public sealed class RestrictedAdmissionTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    /// <summary>
    /// A pod restricted admits, as JSON; each of the four objects (pod spec, pod securityContext, container,
    /// container securityContext) is overwritten key by key with the case's own, so one field changes at a time.
    /// </summary>
    private static string Pod(string ns, string name, string spec = "{}", string podSecurity = "{}", string container = "{}", string containerSecurity = "{}")
    {
        var podSecurityContext = Merge(new JsonObject
        {
            ["runAsNonRoot"] = true,
            ["runAsUser"] = 1000,
            ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" },
        }, podSecurity);
        var containerSecurityContext = Merge(new JsonObject
        {
            ["allowPrivilegeEscalation"] = false,
            ["capabilities"] = new JsonObject { ["drop"] = new JsonArray("ALL") },
        }, containerSecurity);
        var app = Merge(new JsonObject
        {
            ["name"] = "app",
            ["image"] = "busybox:1.36",
            ["command"] = new JsonArray("sleep", "3600"),
            ["securityContext"] = containerSecurityContext,
        }, container);
        var podSpec = Merge(new JsonObject
        {
            // Pinned to no node: nothing admitted here runs.
            ["nodeSelector"] = new JsonObject { ["escape-suite"] = "nowhere" },
            ["securityContext"] = podSecurityContext,
            ["containers"] = new JsonArray(app),
        }, spec);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = podSpec,
        }.ToJsonString();
    }

    private static JsonObject Merge(JsonObject target, string changes)
    {
        foreach (var (key, value) in JsonNode.Parse(changes)!.AsObject())
        {
            target[key] = value?.DeepClone();
        }
        return target;
    }

    private async Task<string> RestrictedNamespaceAsync()
    {
        var ns = await fx.NewNamespaceAsync("escape-gate");
        await fx.Kubectl.OkAsync("label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted");
        return ns;
    }

    [Fact]
    public async Task The_restricted_base_pod_is_admitted()
    {
        var ns = await RestrictedNamespaceAsync();
        var result = await fx.Kubectl.RunAsync(["apply", "-f", "-"], Pod(ns, "base"));
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("", result.Stderr);
    }

    /// <summary>Each case: a name, what it changes (pod spec, pod securityContext, container, container securityContext), and the check restricted names.</summary>
    public static TheoryData<string, string, string, string, string, string> NeedsBaselineOrPrivileged => new()
    {
        { "privileged", "{}", "{}", "{}", """{"privileged": true, "allowPrivilegeEscalation": true}""", "privileged (container \"app\" must not set securityContext.privileged=true)" },
        { "host-pid", """{"hostPID": true}""", "{}", "{}", "{}", "host namespaces (hostPID=true)" },
        { "host-network", """{"hostNetwork": true}""", "{}", "{}", "{}", "host namespaces (hostNetwork=true)" },
        { "host-ipc", """{"hostIPC": true}""", "{}", "{}", "{}", "host namespaces (hostIPC=true)" },
        { "host-path", """{"volumes": [{"name": "root", "hostPath": {"path": "/"}}]}""", "{}", """{"volumeMounts": [{"name": "root", "mountPath": "/host"}]}""", "{}", "restricted volume types (volume \"root\" uses restricted volume type \"hostPath\")" },
        { "host-port", "{}", "{}", """{"ports": [{"containerPort": 80, "hostPort": 8080}]}""", "{}", "hostPort (container \"app\" uses hostPort 8080)" },
        { "cap-sys-admin", "{}", "{}", "{}", """{"capabilities": {"drop": ["ALL"], "add": ["SYS_ADMIN"]}}""", "unrestricted capabilities (container \"app\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add)" },
        { "cap-mknod", "{}", "{}", "{}", """{"capabilities": {"drop": ["ALL"], "add": ["MKNOD"]}}""", "unrestricted capabilities (container \"app\" must not include \"MKNOD\" in securityContext.capabilities.add)" },
        { "keeps-caps", "{}", "{}", "{}", """{"capabilities": {"drop": ["NET_RAW"]}}""", "unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"])" },
        { "root-user", "{}", "{}", "{}", """{"runAsUser": 0}""", "runAsUser=0 (container \"app\" must not set runAsUser=0)" },
        { "may-be-root", "{}", "{}", "{}", """{"runAsNonRoot": false}""", "runAsNonRoot != true (container \"app\" must not set securityContext.runAsNonRoot=false)" },
        { "escalation", "{}", "{}", "{}", """{"allowPrivilegeEscalation": true}""", "allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false)" },
        { "unconfined", "{}", "{}", "{}", """{"seccompProfile": {"type": "Unconfined"}}""", "seccompProfile (container \"app\" must not set securityContext.seccompProfile.type to \"Unconfined\")" },
        { "unsafe-sysctl", "{}", """{"sysctls": [{"name": "kernel.msgmax", "value": "65536"}]}""", "{}", "{}", "forbidden sysctls (kernel.msgmax)" },
        { "apparmor-unconfined", "{}", "{}", "{}", """{"appArmorProfile": {"type": "Unconfined"}}""", "forbidden AppArmor profile (container \"app\" must not set AppArmor profile type to \"Unconfined\")" },
        { "nfs-volume", """{"volumes": [{"name": "remote", "nfs": {"server": "127.0.0.1", "path": "/"}}]}""", "{}", "{}", "{}", "restricted volume types (volume \"remote\" uses restricted volume type \"nfs\")" },
    };

    [Theory]
    [MemberData(nameof(NeedsBaselineOrPrivileged))]
    public async Task A_restricted_namespace_refuses_a_pod_that_needs_more(string name, string spec, string podSecurity, string container, string containerSecurity, string check)
    {
        var ns = await RestrictedNamespaceAsync();

        var result = await fx.Kubectl.RunAsync(["apply", "-f", "-"], Pod(ns, name, spec, podSecurity, container, containerSecurity));

        Assert.Equal(1, result.ExitCode);
        Assert.True(result.Stderr.StartsWith($"Error from server (Forbidden): error when creating \"STDIN\": pods \"{name}\" is forbidden: violates PodSecurity \"restricted:latest\": ", StringComparison.Ordinal), result.Stderr);
        //: error when creating \"STDIN\": pods \"{name}\" is forbidden: violates PodSecurity \"restricted:latest\": ", result.Stderr, StringComparison.Ordinal);
        Assert.True(result.Stderr.Contains(check, StringComparison.Ordinal), $"no \"{check}\" in: {result.Stderr}");
        Assert.Equal(1, (await fx.Kubectl.RunAsync("get", "pod", name, "-n", ns)).ExitCode);
    }

    /// <summary>Fields these nodes cannot honour at all: validation refuses them (422) before Pod Security is asked, in every namespace.</summary>
    public static TheoryData<string, string, string> RefusedOnTheseNodes => new()
    {
        { "proc-unmasked", """{"procMount": "Unmasked"}""", "spec.containers[0].securityContext.procMount: Forbidden: `hostUsers` must be false to use `Unmasked`" },
        { "selinux-type", """{"seLinuxOptions": {"type": "spc_t"}}""", "spec.containers[0].securityContext.seLinuxOptions: Forbidden: SELinux is not enabled on Axolotl's nodes: seLinuxOptions cannot be honoured" },
    };

    [Theory]
    [MemberData(nameof(RefusedOnTheseNodes))]
    public async Task A_field_these_nodes_cannot_honour_is_refused_before_admission(string name, string containerSecurity, string message)
    {
        var ns = await RestrictedNamespaceAsync();

        var result = await fx.Kubectl.RunAsync(["apply", "-f", "-"], Pod(ns, name, containerSecurity: containerSecurity));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"The Pod \"{name}\" is invalid: {message}\n", result.Stderr);
    }

    [Fact]
    public async Task An_ephemeral_container_cannot_bring_privilege_into_a_restricted_pod()
    {
        var ns = await RestrictedNamespaceAsync();
        await fx.Kubectl.OkWithInputAsync(Pod(ns, "target"), "apply", "-f", "-");

        // kubectl debug's --profile=sysadmin asks for a privileged ephemeral container.
        var result = await fx.Kubectl.RunAsync("debug", "target", "-n", ns, "--image=busybox:1.36", "--profile=sysadmin", "--", "sleep", "1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("violates PodSecurity \"restricted:latest\"", result.Stderr, StringComparison.Ordinal);
        var ephemeral = await fx.Kubectl.OkAsync("get", "pod", "target", "-n", ns, "-o", "jsonpath={.spec.ephemeralContainers}");
        Assert.Equal("", ephemeral);
    }
}
