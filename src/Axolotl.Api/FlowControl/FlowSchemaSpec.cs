using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.FlowControl;

/// <summary>flowcontrol.apiserver.k8s.io/v1 FlowSchemaSpec.</summary>
public sealed class FlowSchemaSpec
{
    [Description("The priority level that requests matching this schema are served at.")]
    public PriorityLevelConfigurationReference? PriorityLevelConfiguration { get; set; }

    [Description("1 to 10000; the matching schema with the lowest value wins. Defaults to 1000.")]
    public int? MatchingPrecedence { get; set; }

    [Description("How matching requests split into flows (ByUser or ByNamespace); none: one flow.")]
    public FlowDistinguisherMethod? DistinguisherMethod { get; set; }

    [Description("Who and what this schema matches; a request matches when any one of them does.")]
    public List<PolicyRulesWithSubjects>? Rules { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfigurationReference.</summary>
public sealed class PriorityLevelConfigurationReference
{
    public string Name { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 FlowDistinguisherMethod.</summary>
public sealed class FlowDistinguisherMethod
{
    public const string ByUser = "ByUser";
    public const string ByNamespace = "ByNamespace";

    [Description("ByUser or ByNamespace.")]
    public string Type { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
