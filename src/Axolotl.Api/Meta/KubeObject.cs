using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Meta;

/// <summary>The common shape of every Kubernetes object: type meta, object meta, and whatever else the client sent.</summary>
public abstract class KubeObject
{
    [JsonPropertyOrder(-30)]
    public string? ApiVersion { get; set; }

    [JsonPropertyOrder(-20)]
    public string? Kind { get; set; }

    [JsonPropertyOrder(-10)]
    public ObjectMeta Metadata { get; set; } = new();

    /// <summary>Fields this model does not know. Kept so that nothing a client sends is lost.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>An object with a desired state (spec) and an observed state (status).</summary>
public abstract class KubeObject<TSpec, TStatus> : KubeObject
    where TSpec : class
    where TStatus : class
{
    public TSpec? Spec { get; set; }

    public TStatus? Status { get; set; }
}
