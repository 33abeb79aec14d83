using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>meta/v1 LabelSelector. Matching lives in Axolotl.Api.Selectors; this is only the wire shape.</summary>
[Description("A label query over a set of resources: matchLabels and matchExpressions are ANDed; an empty selector matches everything.")]
public sealed class LabelSelector
{
    [Description("Label key/value pairs that must all be present. Each pair is the same as a matchExpressions entry with operator In and a single value.")]
    public Dictionary<string, string>? MatchLabels { get; set; }

    [Description("Requirements on labels, all of which must hold.")]
    public List<LabelSelectorRequirement>? MatchExpressions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One matchExpressions entry: key, operator (In, NotIn, Exists, DoesNotExist) and values.</summary>
public sealed class LabelSelectorRequirement
{
    public string Key { get; set => field = value ?? ""; } = "";

    public string Operator { get; set => field = value ?? ""; } = "";

    public List<string>? Values { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
