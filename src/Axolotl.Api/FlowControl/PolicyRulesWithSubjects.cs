using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.FlowControl;

/// <summary>flowcontrol.apiserver.k8s.io/v1 PolicyRulesWithSubjects: a request matches when one subject and one rule match it.</summary>
public sealed class PolicyRulesWithSubjects
{
    [Description("The users, groups and service accounts this rule applies to.")]
    public List<Subject>? Subjects { get; set; }

    [Description("The resource requests this rule matches.")]
    public List<ResourcePolicyRule>? ResourceRules { get; set; }

    [Description("The non-resource requests (paths) this rule matches.")]
    public List<NonResourcePolicyRule>? NonResourceRules { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 ResourcePolicyRule. "*" matches everything in verbs, apiGroups, resources and namespaces.</summary>
public sealed class ResourcePolicyRule
{
    public List<string>? Verbs { get; set; }

    public List<string>? ApiGroups { get; set; }

    [Description("Resources, with subresources as resource/subresource.")]
    public List<string>? Resources { get; set; }

    [Description("Whether cluster-scoped requests (no namespace) match.")]
    public bool? ClusterScope { get; set; }

    [Description("The namespaces namespaced requests must be in; \"*\" for any.")]
    public List<string>? Namespaces { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 NonResourcePolicyRule. A URL ending in "/*" matches the prefix.</summary>
public sealed class NonResourcePolicyRule
{
    public List<string>? Verbs { get; set; }

    public List<string>? NonResourceURLs { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
