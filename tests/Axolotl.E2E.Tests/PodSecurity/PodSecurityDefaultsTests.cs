using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.PodSecurity;

/// <summary>The cluster default from --pod-security-admission-config-file, its exemptions, and bad files refused at start.</summary>
public sealed class PodSecurityDefaultsTests(PodSecurityDefaultsFixture fx) : IClassFixture<PodSecurityDefaultsFixture>
{
    private static string Pod(string ns, string name, string securityContext = "{}", string podSecurityContext = "{}") => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          nodeSelector: {pod-security-e2e: nowhere}
          securityContext: {{podSecurityContext}}
          containers:
          - name: app
            image: busybox:1.36
            command: [sleep, "3600"]
            securityContext: {{securityContext}}
        """;

    [Fact]
    public async Task An_unlabelled_namespace_enforces_the_configured_default()
    {
        var ns = await fx.NewNamespaceAsync("psa-default");

        var refused = await fx.Kubectl.RunAsync(["apply", "-f", "-"], Pod(ns, "plain"));
        var admitted = await fx.Kubectl.RunAsync(["apply", "-f", "-"], Pod(ns, "hardened",
            securityContext: "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}",
            podSecurityContext: "{runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}"));

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("Error from server (Forbidden): error when creating \"STDIN\": pods \"plain\" is forbidden: violates PodSecurity \"restricted:latest\": " +
            "allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), " +
            "unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]), " +
            "runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true), " +
            "seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")\n", refused.Stderr);
        Assert.True(admitted.ExitCode == 0, admitted.ToString());
        Assert.Equal("pod/hardened created\n", admitted.Stdout);
        Assert.Equal("", admitted.Stderr);
    }

    [Fact]
    public async Task A_namespace_label_overrides_the_default_and_an_exempt_namespace_is_not_judged()
    {
        var ns = await fx.NewNamespaceAsync("psa-open");
        await fx.Kubectl.OkAsync("label", "namespace", ns, "pod-security.kubernetes.io/enforce=privileged", "pod-security.kubernetes.io/warn=privileged");

        var labelled = await fx.Kubectl.RunAsync(["apply", "-f", "-"], Pod(ns, "plain"));
        await fx.Kubectl.OkAsync("create", "namespace", "psa-tools");
        var exempt = await fx.Kubectl.RunAsync(["apply", "-f", "-"], Pod("psa-tools", "privileged", securityContext: "{privileged: true}"));

        Assert.True(labelled.ExitCode == 0, labelled.ToString());
        Assert.Equal("", labelled.Stderr);
        Assert.True(exempt.ExitCode == 0, exempt.ToString());
        Assert.Equal("", exempt.Stderr);
    }

    [Fact]
    public async Task The_server_and_its_node_work_under_a_restricted_default_without_exempting_kube_system()
    {
        var ready = await Eventually.UntilAsync(
            () => fx.Kubectl.OkAsync("get", "node", fx.Server.NodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"),
            status => status == "True", "the node to be Ready");

        Assert.Equal("True", ready);
        // As upstream, kube-system has no exemption of its own: only the configuration grants one.
        var system = await fx.Kubectl.RunAsync(["apply", "-f", "-"], Pod("kube-system", "plain"));
        Assert.Equal(1, system.ExitCode);
        Assert.StartsWith("Error from server (Forbidden): error when creating \"STDIN\": pods \"plain\" is forbidden: violates PodSecurity \"restricted:latest\": ", system.Stderr, StringComparison.Ordinal);
        Assert.Equal("default kube-node-lease kube-public kube-system", (await fx.Kubectl.OkAsync("get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}"))
            .Split(' ').Where(n => !n.StartsWith("psa-", StringComparison.Ordinal)).Aggregate((a, b) => a + " " + b));
    }

    [Theory]
    [InlineData("""
        apiVersion: pod-security.admission.config.k8s.io/v1
        kind: PodSecurityConfiguration
        defaults: {enforce: strict}
        """, "defaults.enforce: Invalid value: \"strict\": must be one of privileged, baseline, restricted")]
    [InlineData("""
        apiVersion: apiserver.config.k8s.io/v1
        kind: AdmissionConfiguration
        plugins:
        - name: PodSecurity
          configuration:
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            exemptions: {namespace: [kube-system]}
        """, "plugins[0].configuration: strict decoding error: unknown field \"exemptions.namespace\"")]
    public async Task A_bad_configuration_file_stops_the_server_at_start_with_the_reason(string yaml, string reason)
    {
        var dir = Directory.CreateTempSubdirectory("axolotl-psa-bad-");
        try
        {
            var file = Path.Combine(dir.FullName, "psa.yaml");
            await File.WriteAllTextAsync(file, yaml);
            var axolotl = await AxolotlServer.EnsureBuiltAsync();

            var result = await ProcessRunner.RunAsync(axolotl, ["server", "--data-dir", Path.Combine(dir.FullName, "data"), "--pod-security-admission-config-file", file],
                timeout: TimeSpan.FromSeconds(60));

            Assert.Equal(2, result.ExitCode);
            Assert.Equal($"error: --pod-security-admission-config-file: {file}: {reason}\n", result.Stderr);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
