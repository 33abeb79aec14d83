using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 SelfSubjectAccessReviewSpec: what the caller asks to do (exactly one attribute kind).</summary>
public sealed class SelfSubjectAccessReviewSpec
{
    [Description("The resource request to check.")]
    public ResourceAttributes? ResourceAttributes { get; set; }

    [Description("The non-resource request to check.")]
    public NonResourceAttributes? NonResourceAttributes { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
