using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Serialization;

public sealed class KubeJsonResolverTests
{
    public static TheoryData<string> ServedKinds => [.. KnownResources.All.Select(r => r.ClrType.FullName!).Distinct()];

    [Theory]
    [MemberData(nameof(ServedKinds))]
    public void Every_served_kind_has_generated_metadata(string typeName)
    {
        var type = typeof(Pod).Assembly.GetType(typeName, throwOnError: true)!;

        var typeInfo = KubeJson.Options.GetTypeInfo(type);

        Assert.IsAssignableFrom<JsonSerializerContext>(typeInfo.OriginatingResolver);
    }

    [Fact]
    public void A_type_without_generated_metadata_is_written_by_reflection_with_empty_maps_left_out()
    {
        var value = new Unlisted { Name = "x", Labels = [], Annotations = new() { ["a"] = "b" } };

        Assert.IsNotAssignableFrom<JsonSerializerContext>(KubeJson.Options.GetTypeInfo(typeof(Unlisted)).OriginatingResolver);
        Assert.Equal("""{"name":"x","annotations":{"a":"b"}}""", KubeJson.Serialize(value));
    }

    [Fact]
    public void Generated_metadata_leaves_empty_maps_out_as_reflection_does()
    {
        var pod = new Pod { Metadata = new() { Name = "p", Labels = [] }, Spec = new() { NodeSelector = [] } };

        Assert.Equal("""{"metadata":{"name":"p"},"spec":{"containers":[]}}""", KubeJson.Serialize(pod));
    }

    public sealed class Unlisted
    {
        public string? Name { get; set; }
        public Dictionary<string, string>? Labels { get; set; }
        public Dictionary<string, string>? Annotations { get; set; }
    }
}
