using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Meta;

/// <summary>Preconditions of a deletion: the uid and/or resourceVersion the object must still have.</summary>
public sealed class Preconditions
{
    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
