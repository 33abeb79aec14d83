using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 SelfSubjectRulesReviewSpec.</summary>
public sealed class SelfSubjectRulesReviewSpec
{
    [Description("The namespace to list the rules for.")]
    public string? Namespace { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
