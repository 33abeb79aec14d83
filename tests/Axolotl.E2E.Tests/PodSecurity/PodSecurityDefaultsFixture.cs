using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.PodSecurity;

/// <summary>A server started with --pod-security-admission-config-file: restricted enforced by default everywhere (kube-system too: Axolotl's own components need no exemption), one namespace exempt.</summary>
public sealed class PodSecurityDefaultsFixture : ServerFixture
{
    private readonly DirectoryInfo _configDir = Directory.CreateTempSubdirectory("axolotl-psa-config-");

    public string ConfigFile => Path.Combine(_configDir.FullName, "admission.yaml");

    protected override IReadOnlyList<string> ServerArgs => ["--pod-security-admission-config-file", ConfigFile];

    public override async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(ConfigFile, """
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: PodSecurity
              configuration:
                apiVersion: pod-security.admission.config.k8s.io/v1
                kind: PodSecurityConfiguration
                defaults:
                  enforce: restricted
                  enforce-version: latest
                  warn: restricted
                exemptions:
                  namespaces: [psa-tools]
            """);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _configDir.Delete(recursive: true);
    }
}
