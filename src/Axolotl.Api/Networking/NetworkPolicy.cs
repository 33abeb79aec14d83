using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Networking;

/// <summary>
/// networking.k8s.io/v1 NetworkPolicy: which traffic the pods it selects may receive and send. Every
/// node's agent enforces it with nftables (docs/adr/0023-network-policy-enforcement.md).
/// </summary>
[Description("Describes what network traffic is allowed for a set of Pods.")]
public sealed class NetworkPolicy : KubeObject
{
    [Description("The desired behaviour of this NetworkPolicy.")]
    public NetworkPolicySpec? Spec { get; set; }
}

/// <summary>networking.k8s.io/v1 NetworkPolicySpec.</summary>
public sealed class NetworkPolicySpec
{
    /// <summary>The pods of the policy's namespace it applies to; empty selects them all.</summary>
    public LabelSelector? PodSelector { get; set; }

    public List<NetworkPolicyIngressRule>? Ingress { get; set; }

    public List<NetworkPolicyEgressRule>? Egress { get; set; }

    /// <summary>"Ingress", "Egress"; defaulted from the rules present when unset.</summary>
    public List<string>? PolicyTypes { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 NetworkPolicyIngressRule: traffic from any of <see cref="From"/> to any of <see cref="Ports"/>.</summary>
public sealed class NetworkPolicyIngressRule
{
    public List<NetworkPolicyPort>? Ports { get; set; }

    public List<NetworkPolicyPeer>? From { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 NetworkPolicyEgressRule: traffic to any of <see cref="To"/> on any of <see cref="Ports"/>.</summary>
public sealed class NetworkPolicyEgressRule
{
    public List<NetworkPolicyPort>? Ports { get; set; }

    public List<NetworkPolicyPeer>? To { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 NetworkPolicyPort: a protocol (TCP by default) and a port, a named port or a range.</summary>
public sealed class NetworkPolicyPort
{
    public string? Protocol { get; set; }

    public IntOrString? Port { get; set; }

    public int? EndPort { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 NetworkPolicyPeer: selectors (one or both) or an ipBlock.</summary>
public sealed class NetworkPolicyPeer
{
    public LabelSelector? PodSelector { get; set; }

    public LabelSelector? NamespaceSelector { get; set; }

    public IPBlock? IpBlock { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 IPBlock: a CIDR less the CIDRs in <see cref="Except"/>.</summary>
public sealed class IPBlock
{
    public string Cidr { get; set => field = value ?? ""; } = "";

    public List<string>? Except { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
