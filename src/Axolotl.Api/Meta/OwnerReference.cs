using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Meta;

public sealed class OwnerReference
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public string Uid { get; set; } = "";
    public bool? Controller { get; set; }
    public bool? BlockOwnerDeletion { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
