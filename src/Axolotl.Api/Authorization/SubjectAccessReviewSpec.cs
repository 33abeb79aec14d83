using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 SubjectAccessReviewSpec: who asks to do what (exactly one of the attribute kinds).</summary>
public sealed class SubjectAccessReviewSpec
{
    [Description("The resource request to check.")]
    public ResourceAttributes? ResourceAttributes { get; set; }

    [Description("The non-resource request to check.")]
    public NonResourceAttributes? NonResourceAttributes { get; set; }

    [Description("The user to test for.")]
    public string? User { get; set; }

    [Description("The groups to test for.")]
    public List<string>? Groups { get; set; }

    [Description("Extra attributes of the user (as the authenticator gives them).")]
    public Dictionary<string, List<string>>? Extra { get; set; }

    [Description("The UID of the user.")]
    public string? Uid { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
