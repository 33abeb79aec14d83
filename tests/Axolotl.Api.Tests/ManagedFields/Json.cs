using System.Text.Json.Nodes;
using Axolotl.Api.Tests.Patch;

namespace Axolotl.Api.Tests.ManagedFields;

/// <summary>
/// Terse JSON for field-set tables: single quotes for strings, backticks for the quotes inside FieldsV1 keys
/// (<c>'k:{`name`:`x`}'</c>), compared without regard to key order.
/// </summary>
internal static class Json
{
    public static JsonNode? Parse(string text) => JsonNode.Parse(text.Replace("`", "\\\"", StringComparison.Ordinal).Replace('\'', '"'));

    public static JsonObject Object(string text) => Parse(text)!.AsObject();

    public static void Equal(string expected, JsonNode? actual) => Assert.Equal(JsonText.Canonical(Parse(expected)), JsonText.Canonical(actual));
}
