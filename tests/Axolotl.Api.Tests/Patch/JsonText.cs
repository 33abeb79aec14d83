using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.Api.Tests.Patch;

/// <summary>JSON helpers for table-driven patch tests: terse literals (single quotes allowed) and key-order-free comparison.</summary>
internal static class JsonText
{
    public static JsonNode? Parse(string text) => JsonNode.Parse(text.Replace('\'', '"'));

    public static JsonObject Object(string text) => Parse(text)!.AsObject();

    public static JsonArray Array(string text) => Parse(text)!.AsArray();

    /// <summary>The node as compact JSON with object keys sorted, so equal documents print identically.</summary>
    public static string Canonical(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return builder.ToString();
    }

    public static void Equal(string expected, JsonNode? actual) => Assert.Equal(Canonical(Parse(expected)), Canonical(actual));

    private static void Write(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                builder.Append('{');
                builder.AppendJoin(',', obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
                {
                    var inner = new StringBuilder();
                    Write(inner, p.Value);
                    return JsonSerializer.Serialize(p.Key) + ":" + inner;
                }));
                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                builder.AppendJoin(',', array.Select(item =>
                {
                    var inner = new StringBuilder();
                    Write(inner, item);
                    return inner.ToString();
                }));
                builder.Append(']');
                break;
            default:
                builder.Append(node?.ToJsonString() ?? "null");
                break;
        }
    }
}
