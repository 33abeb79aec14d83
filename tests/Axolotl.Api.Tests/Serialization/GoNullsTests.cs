using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Serialization;

public sealed class GoNullsTests
{
    [Fact]
    public void Nulls_in_string_maps_and_lists_become_go_zero_values()
    {
        var pod = JsonNode.Parse("""
            {"metadata":{"name":"p","labels":{"a":null}},
             "spec":{"nodeSelector":{"disk":null},"containers":[null,{"name":"c","args":[null,"x"],"env":[null]}]}}
            """)!;

        GoNulls.Normalize(pod, typeof(Pod));

        Assert.Equal("""{"metadata":{"name":"p","labels":{"a":""}},"spec":{"nodeSelector":{"disk":""},"containers":[{},{"name":"c","args":["","x"],"env":[{}]}]}}""",
            pod.ToJsonString());
        Assert.NotNull(KubeJson.FromNode<Pod>(pod));
    }

    [Fact]
    public void Config_map_data_nulls_are_empty_strings_and_binary_data_nulls_empty_bytes()
    {
        var configMap = JsonNode.Parse("""{"metadata":{"name":"c"},"data":{"a":null},"binaryData":{"b":null}}""")!;

        GoNulls.Normalize(configMap, typeof(ConfigMap));
        var typed = KubeJson.FromNode<ConfigMap>(configMap)!;

        Assert.Equal("", typed.Data!["a"]);
        Assert.Empty(typed.BinaryData!["b"]);
    }
}
