using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>Cell values: upstream sends strings for string columns and JSON integers for integer ones.</summary>
internal static class Cells
{
    public static JsonNode Text(string value) => JsonValue.Create(value);

    public static JsonNode Int(long value) => JsonValue.Create(value);

    public static JsonNode Bool(bool value) => JsonValue.Create(value);

    public static PrintedRow Row(params JsonNode?[] cells) => new(cells);
}
