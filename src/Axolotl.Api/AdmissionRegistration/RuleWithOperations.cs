using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.AdmissionRegistration;

/// <summary>admissionregistration.k8s.io/v1 RuleWithOperations: operations × groups × versions × resources (resource/subresource, "*"), in a scope.</summary>
public class RuleWithOperations
{
    public List<string>? Operations { get; set; }

    public List<string>? ApiGroups { get; set; }

    public List<string>? ApiVersions { get; set; }

    public List<string>? Resources { get; set; }

    /// <summary>Cluster, Namespaced or * (the default).</summary>
    public string? Scope { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 MatchCondition: a named CEL expression.</summary>
public sealed class MatchCondition
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string Expression { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
