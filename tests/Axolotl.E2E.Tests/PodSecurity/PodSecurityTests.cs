using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.PodSecurity;

/// <summary>
/// Pod Security admission through the real kubectl: namespace labels enforce (403 with upstream's
/// message), warn (kubectl's Warning lines) and are validated; relabelling warns about the pods already
/// there; workloads are warned about and their pods refused with a FailedCreate event. Pods that are
/// admitted here are pinned to no node so that none of them runs.
/// </summary>
[Collection(SharedServerACollection.Name)]
public sealed partial class PodSecurityTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static string PrivilegedPod(string ns, string name) => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          nodeSelector: {pod-security-e2e: nowhere}
          containers:
          - name: {{name}}
            image: busybox:1.36
            command: [sleep, "3600"]
            securityContext: {privileged: true}
        """;

    private async Task<string> LabelledNamespaceAsync(string prefix, params string[] labels)
    {
        var ns = await fx.NewNamespaceAsync(prefix);
        if (labels.Length > 0)
        {
            await fx.Kubectl.OkAsync(["label", "namespace", ns, .. labels]);
        }
        return ns;
    }

    [Fact]
    public async Task An_enforce_baseline_namespace_refuses_a_privileged_pod_with_upstreams_message()
    {
        var ns = await LabelledNamespaceAsync("psa-enforce", "pod-security.kubernetes.io/enforce=baseline");

        var result = await fx.Kubectl.RunAsync(["apply", "-f", "-"], PrivilegedPod(ns, "root"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("Error from server (Forbidden): error when creating \"STDIN\": pods \"root\" is forbidden: " +
            "violates PodSecurity \"baseline:latest\": privileged (container \"root\" must not set securityContext.privileged=true)\n", result.Stderr);
        var get = await fx.Kubectl.RunAsync("get", "pod", "root", "-n", ns);
        Assert.Equal(1, get.ExitCode);
    }

    [Fact]
    public async Task A_warn_restricted_namespace_admits_the_docs_example_pod_and_kubectl_prints_the_warning()
    {
        var ns = await LabelledNamespaceAsync("psa-warn", "pod-security.kubernetes.io/warn=restricted", "pod-security.kubernetes.io/audit=baseline");

        var result = await fx.Kubectl.RunAsync(["apply", "-f", "-"], $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: nginx, namespace: {{ns}}}
            spec:
              nodeSelector: {pod-security-e2e: nowhere}
              containers:
              - image: nginx:1.25.3
                name: nginx
                ports:
                - containerPort: 80
            """);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("pod/nginx created\n", result.Stdout);
        Assert.Equal("Warning: would violate PodSecurity \"restricted:latest\": " +
            "allowPrivilegeEscalation != false (container \"nginx\" must set securityContext.allowPrivilegeEscalation=false), " +
            "unrestricted capabilities (container \"nginx\" must set securityContext.capabilities.drop=[\"ALL\"]), " +
            "runAsNonRoot != true (pod or container \"nginx\" must set securityContext.runAsNonRoot=true), " +
            "seccompProfile (pod or container \"nginx\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")\n", result.Stderr);
        // The pod meets baseline: nothing for the audit trail (the server log; Axolotl keeps no audit log).
        Assert.DoesNotContain($"pods {ns}/nginx: pod-security.kubernetes.io/audit-violations", fx.Server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_audit_level_violation_is_recorded_in_the_server_log_with_upstreams_annotation()
    {
        var ns = await LabelledNamespaceAsync("psa-audit", "pod-security.kubernetes.io/audit=baseline");

        var result = await fx.Kubectl.RunAsync(["apply", "-f", "-"], PrivilegedPod(ns, "audited"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        // The console logger writes from a queue of its own: under load the line may follow kubectl's answer by a moment.
        var line = await Eventually.UntilAsync(() => Task.FromResult(fx.Server.Log.Split('\n').SingleOrDefault(l => l.Contains($"pods {ns}/audited:", StringComparison.Ordinal)) ?? ""),
            l => l.Length > 0, "the audit line in the server log", TimeSpan.FromSeconds(10));
        Assert.EndsWith($"audit: user axolotl-admin pods {ns}/audited: pod-security.kubernetes.io/audit-violations=would violate PodSecurity \"baseline:latest\": " +
            "privileged (container \"audited\" must not set securityContext.privileged=true)", line.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Labelling_a_namespace_with_violating_pods_prints_upstreams_warnings_and_still_labels_it()
    {
        var ns = await LabelledNamespaceAsync("psa-existing");
        await fx.Kubectl.OkWithInputAsync(PrivilegedPod(ns, "priv-b"), "apply", "-f", "-");
        await fx.Kubectl.OkWithInputAsync(PrivilegedPod(ns, "priv-a"), "apply", "-f", "-");
        await fx.Kubectl.OkAsync("run", "plain", "-n", ns, "--image=busybox:1.36", "--restart=Never", "--overrides={\"spec\":{\"nodeSelector\":{\"pod-security-e2e\":\"nowhere\"}}}", "--", "sleep", "3600");

        var dryRun = await fx.Kubectl.RunAsync("label", "--dry-run=server", "--overwrite", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted");
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Equal($"""
            Warning: existing pods in namespace "{ns}" violate the new PodSecurity enforce level "restricted:latest"
            Warning: plain: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile
            Warning: priv-a (and 1 other pod): privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile

            """, dryRun.Stderr);
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "namespace", ns, "-o", "jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}"));

        var label = await fx.Kubectl.RunAsync("label", "namespace", ns, "pod-security.kubernetes.io/enforce=baseline");

        Assert.Equal(0, label.ExitCode);
        Assert.Equal($"namespace/{ns} labeled\n", label.Stdout);
        Assert.Equal($"""
            Warning: existing pods in namespace "{ns}" violate the new PodSecurity enforce level "baseline:latest"
            Warning: priv-a (and 1 other pod): privileged

            """, label.Stderr);
        // The pods stay; only new ones are judged.
        Assert.Equal("plain priv-a priv-b", await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}"));
    }

    [Fact]
    public async Task An_invalid_level_or_version_label_is_refused()
    {
        var ns = await LabelledNamespaceAsync("psa-invalid");

        var level = await fx.Kubectl.RunAsync("label", "namespace", ns, "pod-security.kubernetes.io/enforce=strict");
        var version = await fx.Kubectl.RunAsync("label", "namespace", ns, "pod-security.kubernetes.io/warn=baseline", "pod-security.kubernetes.io/warn-version=1.32");

        Assert.Equal(1, level.ExitCode);
        Assert.Equal($"The Namespace \"{ns}\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted\n", level.Stderr);
        Assert.Equal(1, version.ExitCode);
        Assert.Equal($"The Namespace \"{ns}\" is invalid: metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: \"1.32\": must be \"latest\" or \"v1.x\"\n", version.Stderr);

        var create = await fx.Kubectl.RunAsync(["apply", "-f", "-"], """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: psa-bad-create
              labels: {pod-security.kubernetes.io/audit: loud}
            """);
        Assert.Equal(1, create.ExitCode);
        Assert.Equal("The Namespace \"psa-bad-create\" is invalid: metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: \"loud\": must be one of privileged, baseline, restricted\n", create.Stderr);
    }

    [Fact]
    public async Task A_deployment_in_an_enforce_namespace_is_created_with_a_warning_and_its_pods_are_refused_with_FailedCreate()
    {
        var ns = await LabelledNamespaceAsync("psa-deploy", "pod-security.kubernetes.io/enforce=baseline");

        var result = await fx.Kubectl.RunAsync(["apply", "-f", "-"], $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: {{ns}}}
            spec:
              replicas: 1
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: main
                    image: busybox:1.36
                    command: [sleep, "3600"]
                    securityContext: {privileged: true}
            """);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("deployment.apps/web created\n", result.Stdout);
        Assert.Equal("Warning: would violate PodSecurity \"baseline:latest\": privileged (container \"main\" must not set securityContext.privileged=true)\n", result.Stderr);

        var messages = await Eventually.UntilAsync(
            () => fx.Kubectl.OkAsync("get", "events", "-n", ns, "--field-selector", "reason=FailedCreate", "-o", "jsonpath={range .items[*]}{.involvedObject.kind} {.message}{\"\\n\"}{end}"),
            text => text.Length > 0, "a FailedCreate event for the ReplicaSet's pods");
        var first = messages.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0];
        Assert.Matches(FailedCreate(), first);
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}"));
    }

    [GeneratedRegex("""^ReplicaSet Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: violates PodSecurity "baseline:latest": privileged \(container "main" must not set securityContext\.privileged=true\)$""")]
    private static partial Regex FailedCreate();
}
