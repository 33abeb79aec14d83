using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 ServiceStatus.</summary>
[Description("The observed state of a Service: its load balancer addresses and conditions.")]
public sealed class ServiceStatus
{
    [Description("Addresses of the load balancer, if any.")]
    public LoadBalancerStatus? LoadBalancer { get; set; }

    [Description("Observed conditions of the Service.")]
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<Condition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The ingress points of a load balancer.</summary>
public sealed class LoadBalancerStatus
{
    public List<LoadBalancerIngress>? Ingress { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One load balancer ingress point: an IP or a hostname.</summary>
public sealed class LoadBalancerIngress
{
    public string? Ip { get; set; }

    public string? Hostname { get; set; }

    /// <summary>VIP or Proxy.</summary>
    public string? IpMode { get; set; }

    public List<PortStatus>? Ports { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The state of one load balancer port.</summary>
public sealed class PortStatus
{
    public int Port { get; set; }

    public string Protocol { get; set => field = value ?? ""; } = "";

    public string? Error { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
