using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 SubjectAccessReviewStatus: the answer.</summary>
public sealed class SubjectAccessReviewStatus
{
    [Description("Whether the action is allowed.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public bool Allowed { get; set; }

    [Description("Whether the action is explicitly denied.")]
    public bool? Denied { get; set; }

    [Description("Why the action was allowed or denied.")]
    public string? Reason { get; set; }

    [Description("An error the authorizer met while checking; it may still have answered.")]
    public string? EvaluationError { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
