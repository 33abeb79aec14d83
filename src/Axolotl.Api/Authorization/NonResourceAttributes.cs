using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 NonResourceAttributes: a request for a path that is not a resource.</summary>
public sealed class NonResourceAttributes
{
    [Description("The URL path of the request.")]
    public string? Path { get; set; }

    [Description("The standard HTTP verb, lower case.")]
    public string? Verb { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
