using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Autoscaling;

/// <summary>autoscaling/v1 Scale, the view served by the scale subresource of Deployments, ReplicaSets and RCs.</summary>
[Description("The replica count of a scalable resource, as read and written through its scale subresource.")]
public sealed class Scale : KubeObject<ScaleSpec, ScaleStatus>
{
}

/// <summary>autoscaling/v1 ScaleSpec.</summary>
public sealed class ScaleSpec
{
    [Description("Desired number of replicas.")]
    public int? Replicas { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>autoscaling/v1 ScaleStatus.</summary>
public sealed class ScaleStatus
{
    [Description("Observed number of replicas.")]
    public int Replicas { get; set; }

    [Description("The label selector of the pods, in string form (e.g. app=web).")]
    public string? Selector { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
