using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authentication;

/// <summary>authentication.k8s.io/v1 TokenReviewStatus.</summary>
public sealed class TokenReviewStatus
{
    [Description("Whether the token authenticated.")]
    public bool? Authenticated { get; set; }

    [Description("The user the token authenticates as.")]
    public UserInfo? User { get; set; }

    [Description("The audiences the token is valid for.")]
    public List<string>? Audiences { get; set; }

    [Description("Why the token did not authenticate.")]
    public string? Error { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
