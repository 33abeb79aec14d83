using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.ApiServer.Tests.OpenApi;

[Description("A widget for schema tests.")]
public sealed class Widget : KubeObject<WidgetSpec, WidgetStatus>
{
}

[Description("What the widget should be.")]
public sealed class WidgetSpec
{
    [Description("How many widgets.")]
    public int Replicas { get; set; }

    public long Bytes { get; set; }

    public bool? Enabled { get; set; }

    public double Ratio { get; set; }

    public required string Color { get; set; }

    [JsonPropertyName("x-custom")]
    public string? Custom { get; set; }

    [JsonIgnore]
    public string? Hidden { get; set; }

    public Dictionary<string, int>? Weights { get; set; }

    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<Part>? Parts { get; set; }

    public byte[]? Blob { get; set; }

    public JsonElement? Raw { get; set; }

    public DateTimeOffset? When { get; set; }

    [JsonConverter(typeof(KubeMicroTimeConverter))]
    public DateTimeOffset? Exactly { get; set; }

    public WidgetSpec? Next { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

[Description("A part.")]
public sealed class Part
{
    public string Name { get; set; } = "";
}

public sealed class WidgetStatus
{
    public int Observed { get; set; }
}
