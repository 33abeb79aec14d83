using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 ServiceSpec.</summary>
[Description("How a Service is exposed and which pods it sends traffic to.")]
public sealed class ServiceSpec
{
    [Description("The ports the Service exposes and the pod ports they forward to.")]
    [PatchMergeKey("port")]
    [PatchStrategy("merge")]
    public List<ServicePort>? Ports { get; set; }

    [Description("Labels of the pods that receive the traffic. Without a selector, endpoints are managed by hand.")]
    public Dictionary<string, string>? Selector { get; set; }

    [Description("The virtual IP of the Service, allocated at creation unless given; None makes a headless Service. Cannot be changed.")]
    public string? ClusterIP { get; set; }

    [Description("The virtual IPs of the Service, one per IP family; the first equals clusterIP.")]
    public List<string>? ClusterIPs { get; set; }

    [Description("ClusterIP, NodePort, LoadBalancer or ExternalName. Defaults to ClusterIP.")]
    public string? Type { get; set; }

    [Description("Extra IPs on which nodes accept traffic for this Service.")]
    public List<string>? ExternalIPs { get; set; }

    [Description("ClientIP keeps a client on the same pod; None balances every connection. Defaults to None.")]
    public string? SessionAffinity { get; set; }

    [Description("Deprecated: requested load balancer address.")]
    public string? LoadBalancerIP { get; set; }

    [Description("Client CIDRs allowed through a cloud load balancer.")]
    public List<string>? LoadBalancerSourceRanges { get; set; }

    [Description("For type ExternalName: the DNS name the Service is an alias (CNAME) for.")]
    public string? ExternalName { get; set; }

    [Description("Cluster or Local: whether external traffic may go to pods on other nodes. Defaults to Cluster for NodePort and LoadBalancer.")]
    public string? ExternalTrafficPolicy { get; set; }

    [Description("Node port for load balancer health checks when externalTrafficPolicy is Local.")]
    public int? HealthCheckNodePort { get; set; }

    [Description("Publish endpoints for pods even when they are not ready.")]
    public bool? PublishNotReadyAddresses { get; set; }

    [Description("Settings of session affinity.")]
    public SessionAffinityConfig? SessionAffinityConfig { get; set; }

    [Description("IPv4 and/or IPv6, in order of preference.")]
    public List<string>? IpFamilies { get; set; }

    [Description("SingleStack, PreferDualStack or RequireDualStack.")]
    public string? IpFamilyPolicy { get; set; }

    [Description("Whether node ports are allocated for a LoadBalancer Service. Defaults to true.")]
    public bool? AllocateLoadBalancerNodePorts { get; set; }

    [Description("The load balancer implementation to use.")]
    public string? LoadBalancerClass { get; set; }

    [Description("Cluster or Local: whether traffic from inside the cluster may go to pods on other nodes. Defaults to Cluster.")]
    public string? InternalTrafficPolicy { get; set; }

    [Description("A preference for how traffic is spread over endpoints, such as PreferClose.")]
    public string? TrafficDistribution { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One port of a Service.</summary>
[Description("One port a Service exposes.")]
public sealed class ServicePort
{
    [Description("Port name, a DNS label; required when there is more than one port.")]
    public string? Name { get; set; }

    [Description("TCP, UDP or SCTP. Defaults to TCP.")]
    public string? Protocol { get; set; }

    [Description("The application protocol of the port, such as http or kubernetes.io/h2c.")]
    public string? AppProtocol { get; set; }

    [Description("The port the Service listens on.")]
    public int Port { get; set; }

    [Description("The pod port to forward to: a number or the name of a container port. Defaults to port.")]
    public IntOrString? TargetPort { get; set; }

    [Description("The port on every node for NodePort and LoadBalancer Services, allocated from 30000-32767 unless given.")]
    public int? NodePort { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Session affinity settings.</summary>
public sealed class SessionAffinityConfig
{
    public ClientIPConfig? ClientIP { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>ClientIP affinity: how long a client sticks to one pod (default 10800 seconds).</summary>
public sealed class ClientIPConfig
{
    public int? TimeoutSeconds { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
