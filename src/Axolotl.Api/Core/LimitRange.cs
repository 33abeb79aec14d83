using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Core;

/// <summary>core/v1 LimitRange. Upstream has no status for this kind.</summary>
[Description("Per-object minimums, maximums and defaults for resources in a namespace.")]
public sealed class LimitRange : KubeObject
{
    [Description("The limits to enforce.")]
    public LimitRangeSpec? Spec { get; set; }
}

/// <summary>core/v1 LimitRangeSpec.</summary>
public sealed class LimitRangeSpec
{
    public List<LimitRangeItem> Limits { get; set => field = value ?? []; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Limits for one kind of object: Pod, Container or PersistentVolumeClaim.</summary>
public sealed class LimitRangeItem
{
    public string Type { get; set => field = value ?? ""; } = "";

    public Dictionary<string, Quantity>? Max { get; set; }

    public Dictionary<string, Quantity>? Min { get; set; }

    /// <summary>Default limits for containers that set none.</summary>
    public Dictionary<string, Quantity>? Default { get; set; }

    /// <summary>Default requests for containers that set none.</summary>
    public Dictionary<string, Quantity>? DefaultRequest { get; set; }

    /// <summary>The largest allowed limit/request ratio per resource.</summary>
    public Dictionary<string, Quantity>? MaxLimitRequestRatio { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
