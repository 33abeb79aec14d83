using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 SubjectRulesReviewStatus: the rules a subject holds in a namespace.</summary>
public sealed class SubjectRulesReviewStatus
{
    [Description("What the subject may do with resources.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<ResourceRule> ResourceRules { get; set; } = [];

    [Description("What the subject may do with non-resource URLs.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<NonResourceRule> NonResourceRules { get; set; } = [];

    [Description("True when the list may be incomplete (an authorizer cannot enumerate its rules).")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public bool Incomplete { get; set; }

    [Description("An error met while listing the rules.")]
    public string? EvaluationError { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
