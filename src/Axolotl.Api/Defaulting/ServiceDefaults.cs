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
            spec.AllocateLoadBalancerNodePorts ??= true;
            foreach (var ingress in service.Status?.LoadBalancer?.Ingress ?? [])
            {
                if (!string.IsNullOrEmpty(ingress.Ip) && ingress.IpMode is null)
                {
                    ingress.IpMode = "VIP";
                }
            }
        }

        if (spec.Type != "ExternalName")
        {
            spec.IpFamilyPolicy ??= "SingleStack";
            if (spec.IpFamilies is null or { Count: 0 })
            {
                spec.IpFamilies = ["IPv4"];
            }
        }
    }
}
