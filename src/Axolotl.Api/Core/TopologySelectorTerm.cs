using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 TopologySelectorTerm.</summary>
public sealed class TopologySelectorTerm
{
    public List<TopologySelectorLabelRequirement>? MatchLabelExpressions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>core/v1 TopologySelectorLabelRequirement.</summary>
public sealed class TopologySelectorLabelRequirement
{
    public string Key { get; set => field = value ?? ""; } = "";

    public List<string> Values { get; set => field = value ?? []; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
