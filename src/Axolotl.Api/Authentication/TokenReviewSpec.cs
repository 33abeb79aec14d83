using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authentication;

/// <summary>authentication.k8s.io/v1 TokenReviewSpec.</summary>
public sealed class TokenReviewSpec
{
    [Description("The opaque bearer token.")]
    public string? Token { get; set; }

    [Description("Audiences the resource server accepts; the token must be valid for at least one.")]
    public List<string>? Audiences { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
