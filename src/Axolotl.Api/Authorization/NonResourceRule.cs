using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 NonResourceRule: what a subject may do with non-resource URLs.</summary>
public sealed class NonResourceRule
{
    [Description("Verbs (get, post, …); '*' is every verb.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<string> Verbs { get; set; } = [];

    [Description("URL paths, partial with a trailing '*'.")]
    [JsonPropertyName("nonResourceURLs")]
    public List<string>? NonResourceUrls { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
