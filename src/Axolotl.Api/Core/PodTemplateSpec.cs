using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

/// <summary>The pod that a workload controller stamps out: metadata (labels) plus a pod spec.</summary>
[Description("A pod template: the metadata and spec of the pods a controller creates.")]
public sealed class PodTemplateSpec
{
    [Description("Metadata of the pods created from this template; the labels must match the controller's selector.")]
    public ObjectMeta Metadata { get; set => field = value ?? new(); } = new();

    [Description("The spec of the pods created from this template.")]
    public PodSpec Spec { get; set => field = value ?? new(); } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
