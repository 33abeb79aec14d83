using System.Text.Json.Nodes;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Tests.Security;

public sealed class PodReferencesTests
{
    private static readonly JsonObject Pod = JsonNode.Parse("""
        {"metadata":{"name":"web"},
         "spec":{"serviceAccountName":"builder","imagePullSecrets":[{"name":"pull"}],
          "initContainers":[{"name":"init","envFrom":[{"secretRef":{"name":"init-env"}}]}],
          "containers":[{"name":"app",
            "env":[{"name":"A","valueFrom":{"secretKeyRef":{"name":"env-secret","key":"k"}}},
                   {"name":"B","valueFrom":{"configMapKeyRef":{"name":"env-config","key":"k"}}},
                   {"name":"C","value":"plain"}],
            "envFrom":[{"configMapRef":{"name":"all-config"}}]}],
          "volumes":[{"name":"s","secret":{"secretName":"vol-secret"}},
                     {"name":"c","configMap":{"name":"vol-config"}},
                     {"name":"p","projected":{"sources":[{"secret":{"name":"proj-secret"}},{"configMap":{"name":"proj-config"}},{"downwardAPI":{}}]}},
                     {"name":"csi","csi":{"driver":"x","nodePublishSecretRef":{"name":"csi-secret"}}},
                     {"name":"data","persistentVolumeClaim":{"claimName":"data"}},
                     {"name":"scratch","ephemeral":{"volumeClaimTemplate":{}}}]}}
        """)!.AsObject();

    [Fact]
    public void Every_way_a_pod_names_a_secret_counts()
    {
        Assert.Equal(["csi-secret", "env-secret", "init-env", "proj-secret", "pull", "vol-secret"], PodReferences.Secrets(Pod).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_way_a_pod_names_a_config_map_counts()
    {
        Assert.Equal(["all-config", "env-config", "proj-config", "vol-config"], PodReferences.ConfigMaps(Pod).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Claims_include_the_generic_ephemeral_volume_named_after_pod_and_volume()
    {
        Assert.Equal(["data", "web-scratch"], PodReferences.Claims(Pod).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("secrets", "vol-secret", true)]
    [InlineData("secrets", "vol-config", false)]
    [InlineData("configmaps", "vol-config", true)]
    [InlineData("serviceaccounts", "builder", true)]
    [InlineData("serviceaccounts", "default", false)]
    [InlineData("persistentvolumeclaims", "data", true)]
    [InlineData("services", "web", false)]
    public void References_answers_per_resource(string resource, string name, bool expected)
    {
        Assert.Equal(expected, PodReferences.References(Pod, resource, name));
    }

    [Fact]
    public void A_pod_without_a_service_account_uses_default_and_malformed_fields_are_skipped()
    {
        var pod = JsonNode.Parse("""{"spec":{"volumes":[{"secret":{"secretName":5}},"junk"],"containers":{"not":"a list"}}}""")!.AsObject();

        Assert.Equal("default", PodReferences.ServiceAccount(pod));
        Assert.Empty(PodReferences.Secrets(pod));
    }
}
