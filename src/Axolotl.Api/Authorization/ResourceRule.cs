using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 ResourceRule: what a subject may do with resources.</summary>
public sealed class ResourceRule
{
    [Description("Verbs; '*' is every verb.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<string> Verbs { get; set; } = [];

    [Description("API groups; '*' is every group.")]
    public List<string>? ApiGroups { get; set; }

    [Description("Resources; '*' is every resource.")]
    public List<string>? Resources { get; set; }

    [Description("Object names; empty means every object.")]
    public List<string>? ResourceNames { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
