using Axolotl.Api.Core;

namespace Axolotl.Api.Defaulting;

/// <summary>
/// Service defaults (upstream SetDefaults_Service), plus the single-stack IP family fields that
/// upstream's Service registry fills in when it allocates addresses: Axolotl is an IPv4
/// single-stack cluster, so every Service that gets a cluster IP (or is headless) is SingleStack IPv4.
/// </summary>
public static class ServiceDefaults
{
    public const int DefaultClientIPServiceAffinitySeconds = 10800;

    public static void Apply(Service service)
    {
        var spec = service.Spec ??= new ServiceSpec();

        if (string.IsNullOrEmpty(spec.SessionAffinity))
        {
            spec.SessionAffinity = "None";
        }
        if (spec.SessionAffinity == "None")
        {
            spec.SessionAffinityConfig = null;
        }
        if (spec.SessionAffinity == "ClientIP" && spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds is null)
        {
            spec.SessionAffinityConfig = new SessionAffinityConfig
            {
                ClientIP = new ClientIPConfig { TimeoutSeconds = DefaultClientIPServiceAffinitySeconds },
            };
        }

        if (string.IsNullOrEmpty(spec.Type))
        {
            spec.Type = "ClusterIP";
        }

        foreach (var port in spec.Ports ?? [])
        {
            if (string.IsNullOrEmpty(port.Protocol))
            {
                port.Protocol = "TCP";
            }
            if (port.TargetPort is not { } target || (target.IsInt && target.IntValue == 0) || (target.IsString && target.StringValue.Length == 0))
            {
                port.TargetPort = IntOrString.FromInt(port.Port);
            }
        }

        var externallyAccessible = spec.Type is "LoadBalancer" or "NodePort" ||
                                   (spec.Type == "ClusterIP" && spec.ExternalIPs is { Count: > 0 });
        if (externallyAccessible && string.IsNullOrEmpty(spec.ExternalTrafficPolicy))
        {
            spec.ExternalTrafficPolicy = "Cluster";
        }

        if (spec.InternalTrafficPolicy is null && spec.Type is "NodePort" or "LoadBalancer" or "ClusterIP")
        {
            spec.InternalTrafficPolicy = "Cluster";
        }

        if (spec.Type == "LoadBalancer")
        {
            // ipMode is not defaulted to VIP (as with the LoadBalancerIPMode gate off): the seed's
            // `jsonpath={.status.loadBalancer.ingress[0].*}` must print only the address.
            spec.AllocateLoadBalancerNodePorts ??= true;
        }

        if (spec.Type != "ExternalName")
        {
            // Upstream's Service strategy keeps clusterIP and clusterIPs in step; clients usually set only one.
            if (!string.IsNullOrEmpty(spec.ClusterIP) && spec.ClusterIPs is null or { Count: 0 })
            {
                spec.ClusterIPs = [spec.ClusterIP];
            }
            else if (string.IsNullOrEmpty(spec.ClusterIP) && spec.ClusterIPs is { Count: > 0 })
            {
                spec.ClusterIP = spec.ClusterIPs[0];
            }
            spec.IpFamilyPolicy ??= "SingleStack";
            if (spec.IpFamilies is null or { Count: 0 })
            {
                spec.IpFamilies = ["IPv4"];
            }
        }
    }

    /// <summary>
    /// On update, carries over what the server allocated (cluster IPs, node ports, health-check
    /// port, IP families) when the new object leaves them empty, as upstream's Service strategy
    /// does so that a kubectl replace or apply without them keeps the allocation.
    /// </summary>
    public static void KeepAllocatedValues(Service updated, Service old)
    {
        var spec = updated.Spec ??= new ServiceSpec();
        var oldSpec = old.Spec;
        if (oldSpec is null || spec.Type == "ExternalName")
        {
            return;
        }
        if (string.IsNullOrEmpty(spec.ClusterIP) && spec.ClusterIPs is null or { Count: 0 })
        {
            spec.ClusterIP = oldSpec.ClusterIP;
            spec.ClusterIPs = oldSpec.ClusterIPs is null ? null : [.. oldSpec.ClusterIPs];
        }
        if (spec.IpFamilies is null or { Count: 0 } && oldSpec.IpFamilies is { Count: > 0 })
        {
            spec.IpFamilies = [.. oldSpec.IpFamilies];
        }
        spec.IpFamilyPolicy ??= oldSpec.IpFamilyPolicy;
        if (spec.Type is "NodePort" or "LoadBalancer")
        {
            foreach (var port in spec.Ports ?? [])
            {
                if (port.NodePort is null or 0)
                {
                    var previous = (oldSpec.Ports ?? []).FirstOrDefault(p => p.Port == port.Port && (p.Protocol ?? "TCP") == (port.Protocol ?? "TCP"));
                    port.NodePort = previous?.NodePort;
                }
            }
        }
        if (spec.HealthCheckNodePort is null or 0 && spec.Type == "LoadBalancer" && spec.ExternalTrafficPolicy == "Local")
        {
            spec.HealthCheckNodePort = oldSpec.HealthCheckNodePort;
        }
    }
}
