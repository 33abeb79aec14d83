using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 NodeSpec.</summary>
[Description("How a node is configured: its pod address range, taints and whether new pods may be scheduled onto it.")]
public sealed class NodeSpec
{
    [Description("The pod IP range assigned to the node.")]
    public string? PodCIDR { get; set; }

    [Description("The pod IP ranges assigned to the node, one per IP family; the first equals podCIDR.")]
    [PatchStrategy("merge")]
    public List<string>? PodCIDRs { get; set; }

    [Description("The node's ID in its infrastructure provider.")]
    [JsonPropertyName("providerID")]
    public string? ProviderId { get; set; }

    [Description("When true, no new pods are scheduled onto the node (kubectl cordon).")]
    public bool? Unschedulable { get; set; }

    [Description("Taints that repel pods which do not tolerate them.")]
    public List<Taint>? Taints { get; set; }

    [Description("Deprecated dynamic kubelet configuration source.")]
    public NodeConfigSource? ConfigSource { get; set; }

    [Description("Deprecated; not used.")]
    [JsonPropertyName("externalID")]
    public string? ExternalId { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Deprecated dynamic kubelet configuration source.</summary>
public sealed class NodeConfigSource
{
    public ConfigMapNodeConfigSource? ConfigMap { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A ConfigMap holding kubelet configuration (deprecated feature).</summary>
public sealed class ConfigMapNodeConfigSource
{
    public string Namespace { get; set => field = value ?? ""; } = "";

    public string Name { get; set => field = value ?? ""; } = "";

    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    public string KubeletConfigKey { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
