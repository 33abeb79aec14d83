using System.Text.Json.Nodes;

namespace Axolotl.Api.Tests.Kinds;

/// <summary>Compares JSON documents as Kubernetes does: property order and explicit nulls do not matter.</summary>
internal static class JsonComparison
{
    public static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .Where(kv => kv.Value is not null)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, Normalize(kv.Value)))),
        JsonArray array => new JsonArray(array.Select(Normalize).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    public static void AssertEquivalent(string expectedJson, string actualJson)
    {
        var expected = Normalize(JsonNode.Parse(expectedJson));
        var actual = Normalize(JsonNode.Parse(actualJson));
        Assert.True(JsonNode.DeepEquals(expected, actual),
            $"JSON differs.\nexpected: {expected?.ToJsonString()}\nactual:   {actual?.ToJsonString()}");
    }
}
