using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>Scheduling constraints on nodes and on other pods.</summary>
[Description("Rules that attract the pod to, or keep it away from, certain nodes and other pods.")]
public sealed class Affinity
{
    public NodeAffinity? NodeAffinity { get; set; }

    public PodAffinity? PodAffinity { get; set; }

    public PodAntiAffinity? PodAntiAffinity { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Node affinity: hard requirements and weighted preferences on node labels and fields.</summary>
public sealed class NodeAffinity
{
    public NodeSelector? RequiredDuringSchedulingIgnoredDuringExecution { get; set; }

    public List<PreferredSchedulingTerm>? PreferredDuringSchedulingIgnoredDuringExecution { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A node selector: the terms are ORed.</summary>
public sealed class NodeSelector
{
    public List<NodeSelectorTerm> NodeSelectorTerms { get; set => field = value ?? []; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One node selector term: its requirements are ANDed.</summary>
public sealed class NodeSelectorTerm
{
    public List<NodeSelectorRequirement>? MatchExpressions { get; set; }

    public List<NodeSelectorRequirement>? MatchFields { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A requirement on a node label or field; operator In, NotIn, Exists, DoesNotExist, Gt or Lt.</summary>
public sealed class NodeSelectorRequirement
{
    public string Key { get; set => field = value ?? ""; } = "";

    public string Operator { get; set => field = value ?? ""; } = "";

    public List<string>? Values { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A weighted node preference.</summary>
public sealed class PreferredSchedulingTerm
{
    public int Weight { get; set; }

    public NodeSelectorTerm Preference { get; set => field = value ?? new(); } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Co-locate with pods matching the terms.</summary>
public sealed class PodAffinity
{
    public List<PodAffinityTerm>? RequiredDuringSchedulingIgnoredDuringExecution { get; set; }

    public List<WeightedPodAffinityTerm>? PreferredDuringSchedulingIgnoredDuringExecution { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Keep away from pods matching the terms.</summary>
public sealed class PodAntiAffinity
{
    public List<PodAffinityTerm>? RequiredDuringSchedulingIgnoredDuringExecution { get; set; }

    public List<WeightedPodAffinityTerm>? PreferredDuringSchedulingIgnoredDuringExecution { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A set of pods (by label and namespace) and the topology domain to compare against.</summary>
public sealed class PodAffinityTerm
{
    public LabelSelector? LabelSelector { get; set; }

    public List<string>? Namespaces { get; set; }

    public string TopologyKey { get; set => field = value ?? ""; } = "";

    public LabelSelector? NamespaceSelector { get; set; }

    public List<string>? MatchLabelKeys { get; set; }

    public List<string>? MismatchLabelKeys { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A pod affinity term with a weight from 1 to 100.</summary>
public sealed class WeightedPodAffinityTerm
{
    public int Weight { get; set; }

    public PodAffinityTerm PodAffinityTerm { get; set => field = value ?? new(); } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
