using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Apiextensions.Conversion;

/// <summary>The Go type (as %T prints it) that encoding/json gives a JSON value, for upstream's messages.</summary>
internal static class GoJson
{
    public static string TypeName(JsonNode? node) => node switch
    {
        null => "<nil>",
        JsonObject => "map[string]interface {}",
        JsonArray => "[]interface {}",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "float64",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "<nil>",
        },
    };
}
