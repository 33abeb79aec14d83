using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.AdmissionPolicies;

/// <summary>
/// ValidatingAdmissionPolicies applied and exercised with the real kubectl against the real server. Each binding
/// selects only its test's namespace (by a label), so tests sharing the server never meet another's policy.
/// Deployments are created with --dry-run=server: admission runs in full, nothing is scheduled.
/// </summary>
[Collection(SharedServerACollection.Name)]
public sealed class ValidatingAdmissionPolicyTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static string Policy(string name, string extra, string validation) => $"""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: {name}
        spec:
          failurePolicy: Fail
        {extra}
          matchConstraints:
            resourceRules:
            - apiGroups: ["apps"]
              apiVersions: ["v1"]
              operations: ["CREATE", "UPDATE"]
              resources: ["deployments"]
          validations:
        {validation}
        """;

    private static string Binding(string name, string policy, string ns, string action, string extra = "") => $"""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata:
          name: {name}
        spec:
          policyName: {policy}
          validationActions: [{action}]
          matchResources:
            namespaceSelector:
              matchLabels:
                vap-test: {ns}
        {extra}
        """;

    private const string MaxFive = """
          - expression: "object.spec.replicas <= 5"
            message: "replicas must be no greater than 5"
        """;

    private async Task<string> LabelledNamespaceAsync(string prefix)
    {
        var ns = await fx.NewNamespaceAsync(prefix);
        await fx.Kubectl.OkAsync("label", "namespace", ns, $"vap-test={ns}");
        return ns;
    }

    private Task<ProcessResult> CreateDeploymentAsync(string ns, string name, int replicas) =>
        fx.Kubectl.RunAsync("create", "deployment", name, "--image=busybox", $"--replicas={replicas}", "--dry-run=server", "-n", ns);

    /// <summary>Until a dry run of <paramref name="replicas"/> replicas gets <paramref name="expected"/> in its output: the server's cache has the policy and binding then.</summary>
    private async Task<ProcessResult> UntilAsync(string ns, int replicas, string expected) =>
        await Eventually.UntilAsync(() => CreateDeploymentAsync(ns, "probe", replicas),
            r => (r.Stdout + r.Stderr).Contains(expected, StringComparison.Ordinal), $"'{expected}' from a dry run (the policy and binding in the server's admission cache)");

    [Fact]
    public async Task A_policy_refuses_a_deployment_with_too_many_replicas_and_a_warn_binding_only_warns()
    {
        var ns = await LabelledNamespaceAsync("vap-replicas");
        var policy = fx.UniqueName("max-replicas");
        var binding = fx.UniqueName("max-replicas-binding");
        await fx.Kubectl.OkWithInputAsync(Policy(policy, "", MaxFive), "apply", "-f", "-");
        await fx.Kubectl.OkWithInputAsync(Binding(binding, policy, ns, "Deny"), "apply", "-f", "-");
        try
        {
            var denial = $"ValidatingAdmissionPolicy '{policy}' with binding '{binding}' denied request: replicas must be no greater than 5";
            await UntilAsync(ns, 7, denial);

            var refused = await fx.Kubectl.FailAsync("create", "deployment", "big", "--image=busybox", "--replicas=7", "-n", ns);
            Assert.Contains($"deployments.apps \"big\" is forbidden: {denial}", refused);
            var allowed = await CreateDeploymentAsync(ns, "small", 5);
            Assert.Equal(0, allowed.ExitCode);
            Assert.Contains(policy, await fx.Kubectl.OkAsync("get", "validatingadmissionpolicies"));
            Assert.Contains(policy, await fx.Kubectl.OkAsync("get", "validatingadmissionpolicybindings", binding));

            await fx.Kubectl.OkWithInputAsync(Binding(binding, policy, ns, "Warn"), "apply", "-f", "-");
            var warned = await UntilAsync(ns, 7, "Warning: Validation failed");
            Assert.Equal(0, warned.ExitCode);
            Assert.Contains($"Warning: Validation failed for ValidatingAdmissionPolicy '{policy}' with binding '{binding}': replicas must be no greater than 5", warned.Stderr);
        }
        finally
        {
            await fx.Kubectl.RunAsync("delete", "validatingadmissionpolicybinding", binding);
            await fx.Kubectl.RunAsync("delete", "validatingadmissionpolicy", policy);
        }
    }

    [Fact]
    public async Task A_config_map_gives_a_policy_its_limit_and_its_absence_denies()
    {
        var ns = await LabelledNamespaceAsync("vap-params");
        var policy = fx.UniqueName("replica-limit");
        var binding = fx.UniqueName("replica-limit-binding");
        const string validation = """
              - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
                messageExpression: "'replicas must be at most ' + params.data.maxReplicas"
                reason: Forbidden
            """;
        await fx.Kubectl.OkWithInputAsync(Policy(policy, "  paramKind:\n    apiVersion: v1\n    kind: ConfigMap", validation), "apply", "-f", "-");
        await fx.Kubectl.OkWithInputAsync(Binding(binding, policy, ns, "Deny",
            $"  paramRef:\n    name: replica-limit\n    namespace: {ns}\n    parameterNotFoundAction: Deny"), "apply", "-f", "-");
        try
        {
            await UntilAsync(ns, 1, "no params found for policy binding with `Deny` parameterNotFoundAction");

            await fx.Kubectl.OkAsync("create", "configmap", "replica-limit", "--from-literal=maxReplicas=3", "-n", ns);
            var refused = await fx.Kubectl.FailAsync("create", "deployment", "big", "--image=busybox", "--replicas=4", "--dry-run=server", "-n", ns);
            Assert.Contains($"ValidatingAdmissionPolicy '{policy}' with binding '{binding}' denied request: replicas must be at most 3", refused);
            Assert.Equal(0, (await CreateDeploymentAsync(ns, "fits", 3)).ExitCode);

            await fx.Kubectl.OkAsync("patch", "configmap", "replica-limit", "-n", ns, "--type=merge", "-p", """{"data":{"maxReplicas":"4"}}""");
            Assert.Equal(0, (await CreateDeploymentAsync(ns, "big", 4)).ExitCode);
        }
        finally
        {
            await fx.Kubectl.RunAsync("delete", "validatingadmissionpolicybinding", binding);
            await fx.Kubectl.RunAsync("delete", "validatingadmissionpolicy", policy);
        }
    }

    [Fact]
    public async Task A_policy_with_an_expression_that_does_not_compile_is_refused_by_kubectl_apply()
    {
        var policy = fx.UniqueName("broken");

        var refused = await fx.Kubectl.FailWithInputAsync(Policy(policy, "", """
              - expression: "object.spec.replicas <="
            """), "apply", "-f", "-");

        Assert.Contains("spec.validations[0].expression: Invalid value", refused);
        Assert.Contains("compilation failed: ERROR: <input>:1:", refused);
    }
}
