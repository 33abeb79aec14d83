using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Tests.Protobuf;

internal static class JsonAssert
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Equal as text, so key order counts and a failure shows both documents.</summary>
    public static void Equal(JsonNode? expected, JsonNode? actual) =>
        Assert.Equal(expected?.ToJsonString(Indented), actual?.ToJsonString(Indented));

    public static void Equal(string expectedJson, JsonNode? actual) => Equal(JsonNode.Parse(expectedJson), actual);

    /// <summary>
    /// Drops null members: Go prints a zero metav1.Time as null (creationTimestamp: null), which the
    /// protobuf form cannot carry and the decoder leaves out.
    /// </summary>
    public static JsonNode? WithoutNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (value is not null)
                    {
                        copy[key] = WithoutNulls(value);
                    }
                }
                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(WithoutNulls)]);
            default:
                return node?.DeepClone();
        }
    }
}
