using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authentication;

/// <summary>authentication.k8s.io/v1 UserInfo: who a credential authenticates as.</summary>
public sealed class UserInfo
{
    [Description("The name that uniquely identifies this user.")]
    public string? Username { get; set; }

    [Description("A unique value that identifies this user across time.")]
    public string? Uid { get; set; }

    [Description("The groups this user belongs to.")]
    public List<string>? Groups { get; set; }

    [Description("Extra information the authenticator provides.")]
    public Dictionary<string, List<string>>? Extra { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
