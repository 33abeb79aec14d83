using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authentication;

/// <summary>authentication.k8s.io/v1 SelfSubjectReviewStatus.</summary>
public sealed class SelfSubjectReviewStatus
{
    [Description("The caller's user information.")]
    public UserInfo? UserInfo { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
