using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Core;

/// <summary>Requests and limits of compute resources, keyed by resource name (cpu, memory, …).</summary>
[Description("The compute resources a container (or pod) asks for and the most it may use.")]
public sealed class ResourceRequirements
{
    [Description("The most of each resource the container may use; memory above its limit gets the container OOM-killed.")]
    public Dictionary<string, Quantity>? Limits { get; set; }

    [Description("The amount of each resource the scheduler reserves for the container. Defaults to the limit when only a limit is set.")]
    public Dictionary<string, Quantity>? Requests { get; set; }

    [Description("Dynamic resource claims of the pod that this container uses.")]
    public List<ResourceClaim>? Claims { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A reference from a container to one of the pod's resource claims.</summary>
public sealed class ResourceClaim
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string? Request { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
