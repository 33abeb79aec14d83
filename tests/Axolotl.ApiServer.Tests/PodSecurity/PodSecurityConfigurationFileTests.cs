using Axolotl.ApiServer.Admission.PodSecurity;

namespace Axolotl.ApiServer.Tests.PodSecurity;

/// <summary>--pod-security-admission-config-file: the shapes kube-apiserver and k3s accept, and bad files refused with the reason.</summary>
public sealed class PodSecurityConfigurationFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("axolotl-psa-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Modes(PodSecurityConfiguration c) => $"enforce={c.Defaults.Enforce} audit={c.Defaults.Audit} warn={c.Defaults.Warn}";

    private static string Refusal(string yaml) =>
        Assert.Throws<PodSecurityConfigurationException>(() => PodSecurityConfigurationFile.Parse(yaml, "psa.yaml")).Message;

    [Fact]
    public void An_admission_configuration_with_the_plugin_inline_sets_defaults_and_exemptions()
    {
        var config = PodSecurityConfigurationFile.Parse("""
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: PodSecurity
              configuration:
                apiVersion: pod-security.admission.config.k8s.io/v1
                kind: PodSecurityConfiguration
                defaults:
                  enforce: "baseline"
                  enforce-version: "latest"
                  audit: "restricted"
                  audit-version: "v1.29"
                  warn: "restricted"
                exemptions:
                  usernames: ["system:serviceaccount:ci:deployer"]
                  runtimeClasses: [kata]
                  namespaces: [kube-system]
            """, "psa.yaml");

        Assert.Equal("enforce=baseline:latest audit=restricted:v1.29 warn=restricted:latest", Modes(config));
        Assert.True(config.IsExemptNamespace("kube-system"));
        Assert.False(config.IsExemptNamespace("default"));
        Assert.True(config.IsExemptUser("system:serviceaccount:ci:deployer"));
        Assert.True(config.IsExemptRuntimeClass("kata"));
        Assert.False(config.IsExemptRuntimeClass(null));
    }

    [Fact]
    public void A_bare_pod_security_configuration_of_any_served_version_is_read_and_unset_modes_are_privileged()
    {
        foreach (var version in new[] { "v1", "v1beta1", "v1alpha1" })
        {
            var config = PodSecurityConfigurationFile.Parse($"""
                apiVersion: pod-security.admission.config.k8s.io/{version}
                kind: PodSecurityConfiguration
                defaults:
                  enforce: restricted
                """, "psa.yaml");

            Assert.Equal("enforce=restricted:latest audit=privileged:latest warn=privileged:latest", Modes(config));
        }
    }

    [Fact]
    public void The_plugin_entry_may_name_its_file_relative_to_the_admission_configuration()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "podsecurity.yaml"), """
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            defaults: {warn: baseline, warn-version: v1.28}
            """);
        var admission = Path.Combine(_dir.FullName, "admission.yaml");
        File.WriteAllText(admission, """
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: PodSecurity
              path: podsecurity.yaml
            """);

        Assert.Equal("enforce=privileged:latest audit=privileged:latest warn=baseline:v1.28", Modes(PodSecurityConfigurationFile.Load(admission)));
    }

    [Fact]
    public void An_admission_configuration_without_the_plugin_leaves_upstreams_defaults()
    {
        var config = PodSecurityConfigurationFile.Parse("apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: []\n", "psa.yaml");

        Assert.Same(NamespacePolicy.Privileged, config.Defaults);
    }

    [Fact]
    public void Bad_levels_versions_and_exemptions_are_refused_with_every_field_named()
    {
        var message = Refusal("""
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            defaults: {enforce: strict, audit-version: "1.29"}
            exemptions: {namespaces: [Kube_System, ok, ok], usernames: [""], runtimeClasses: ["-bad"]}
            """);

        Assert.Equal("psa.yaml: [" +
            "defaults.enforce: Invalid value: \"strict\": must be one of privileged, baseline, restricted, " +
            "defaults.audit-version: Invalid value: \"1.29\": must be \"latest\" or \"v1.x\", " +
            "exemptions.namespaces[0]: Invalid value: \"Kube_System\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), " +
            "exemptions.namespaces[2]: Duplicate value: \"ok\", " +
            "exemptions.runtimeClasses[0]: Invalid value: \"-bad\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), " +
            "exemptions.usernames[0]: Invalid value: \"\": username must not be empty]", message);
    }

    [Theory]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefault: {enforce: baseline}\n",
        "psa.yaml: strict decoding error: unknown field \"default\"")]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults: {enforce: baseline, enforceVersion: v1.30}\n",
        "psa.yaml: strict decoding error: unknown field \"defaults.enforceVersion\"")]
    [InlineData("apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: EventRateLimit\n  path: erl.yaml\n",
        "psa.yaml: plugins[0]: admission plugin \"EventRateLimit\" cannot be configured in Axolotl; PodSecurity is the only configurable plugin")]
    [InlineData("apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n",
        "psa.yaml: plugins[0]: set configuration or path")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\n",
        "psa.yaml: want kind AdmissionConfiguration (apiVersion apiserver.config.k8s.io/v1) or PodSecurityConfiguration (apiVersion pod-security.admission.config.k8s.io/v1), got kind \"ConfigMap\" apiVersion \"v1\"")]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v2\nkind: PodSecurityConfiguration\n",
        "psa.yaml: want kind PodSecurityConfiguration with apiVersion pod-security.admission.config.k8s.io/v1, pod-security.admission.config.k8s.io/v1beta1, pod-security.admission.config.k8s.io/v1alpha1")]
    [InlineData("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults: {enforce: [baseline]}\n",
        "psa.yaml: defaults.enforce: must be a string")]
    public void Malformed_files_are_refused_with_the_reason(string yaml, string expected)
    {
        Assert.Equal(expected, Refusal(yaml));
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        var path = Path.Combine(_dir.FullName, "absent.yaml");

        var message = Assert.Throws<PodSecurityConfigurationException>(() => PodSecurityConfigurationFile.Load(path)).Message;

        Assert.StartsWith($"cannot read {path}: ", message, StringComparison.Ordinal);
    }
}
