using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Rbac;

/// <summary>rbac.authorization.k8s.io/v1 PolicyRule: verbs on resources (or on non-resource URLs).</summary>
public sealed class PolicyRule
{
    [Description("Verbs that apply to all the resources in this rule; '*' is every verb.")]
    public List<string>? Verbs { get; set; }

    [Description("API groups of the resources; \"\" is the core group, '*' every group.")]
    public List<string>? ApiGroups { get; set; }

    [Description("Resources this rule applies to; '*' is every resource, 'res/sub' a subresource, '*/sub' a subresource of every resource.")]
    public List<string>? Resources { get; set; }

    [Description("An optional allow-list of object names; empty means every object.")]
    public List<string>? ResourceNames { get; set; }

    [Description("Non-resource URLs (partial with a trailing '*'); only in ClusterRoles bound by ClusterRoleBindings.")]
    [JsonPropertyName("nonResourceURLs")]
    public List<string>? NonResourceUrls { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
