using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>Services on create and update (upstream ValidateService, ValidateServiceUpdate and the node-port allocator's range check).</summary>
public static class ServiceValidation
{
    public const int NodePortMin = 30000;
    public const int NodePortMax = 32767;

    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];
    private static readonly string[] ServiceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    private static readonly FieldPath Spec = FieldPath.Of("spec");

    /// <summary>Why an SCTP Service port is refused.</summary>
    public const string SctpUnsupported = "SCTP is not supported by Axolotl's service proxy, which relays TCP and UDP";

    public static List<FieldError> Validate(Service service, Service? old)
    {
        var metadata = FieldPath.Of("metadata");
        var spec = service.Spec ?? new ServiceSpec();
        var errors = new List<FieldError>();
        if (old is not null)
        {
            errors.AddRange(MetadataValidation.ValidateObjectMetaUpdate(service.Metadata, old.Metadata, metadata));
            errors.AddRange(ValidateUpdate(spec, old.Spec ?? new ServiceSpec()));
        }
        errors.AddRange(MetadataValidation.ValidateObjectMeta(service.Metadata, requiresNamespace: true, MetadataValidation.Dns1035Label, metadata));

        var type = spec.Type ?? "";
        var headless = IsHeadless(spec);
        var ports = spec.Ports ?? [];
        if (ports.Count == 0 && !headless && type != "ExternalName")
        {
            errors.Add(FieldError.Required(Spec.Child("ports")));
        }

        switch (type)
        {
            case "LoadBalancer" or "NodePort" when headless:
                errors.Add(FieldError.Invalid(Spec.Child("clusterIPs").Index(0), spec.ClusterIPs![0], $"may not be set to 'None' for {type} services"));
                break;
            case "ExternalName":
                if (spec.ClusterIPs is { Count: > 0 })
                {
                    errors.Add(FieldError.Forbidden(Spec.Child("clusterIPs"), "may not be set for ExternalName services"));
                }
                if (spec.IpFamilies is { Count: > 0 })
                {
                    errors.Add(FieldError.Forbidden(Spec.Child("ipFamilies"), "may not be set for ExternalName services"));
                }
                if (spec.IpFamilyPolicy is not null)
                {
                    errors.Add(FieldError.Forbidden(Spec.Child("ipFamilyPolicy"), "may not be set for ExternalName services"));
                }
                var cname = (spec.ExternalName ?? "").TrimEnd('.');
                if (cname.Length > 0)
                {
                    errors.AddRange(NameRules.DNS1123Subdomain(cname).Select(m => FieldError.Invalid(Spec.Child("externalName"), cname, m)));
                }
                else
                {
                    errors.Add(FieldError.Required(Spec.Child("externalName")));
                }
                break;
        }

        var portNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            errors.AddRange(ValidatePort(ports[i], ports.Count > 1, portNames, Spec.Child("ports").Index(i)));
        }
        if (spec.Selector is not null)
        {
            errors.AddRange(MetadataValidation.ValidateLabels(spec.Selector, Spec.Child("selector")));
        }

        switch (spec.SessionAffinity)
        {
            case null or "":
                errors.Add(FieldError.Required(Spec.Child("sessionAffinity")));
                break;
            case "ClientIP":
                errors.AddRange(ValidateClientIpConfig(spec.SessionAffinityConfig, Spec.Child("sessionAffinityConfig")));
                break;
            case "None":
                if (spec.SessionAffinityConfig is not null)
                {
                    errors.Add(FieldError.Forbidden(Spec.Child("sessionAffinityConfig"), "must not be set when session affinity is None"));
                }
                break;
            default:
                errors.Add(FieldError.NotSupported(Spec.Child("sessionAffinity"), spec.SessionAffinity, ["ClientIP", "None"]));
                break;
        }

        errors.AddRange(ValidateClusterIps(spec));
        for (var i = 0; i < (spec.ExternalIPs?.Count ?? 0); i++)
        {
            errors.AddRange(PodSpecValidation.ValidIp(spec.ExternalIPs![i], Spec.Child("externalIPs").Index(i)));
        }

        if (type.Length == 0)
        {
            errors.Add(FieldError.Required(Spec.Child("type")));
        }
        else if (!ServiceTypes.Contains(type))
        {
            errors.Add(FieldError.NotSupported(Spec.Child("type"), type, ServiceTypes));
        }

        for (var i = 0; i < ports.Count; i++)
        {
            var nodePort = ports[i].NodePort ?? 0;
            if (nodePort == 0)
            {
                continue;
            }
            var nodePortPath = Spec.Child("ports").Index(i).Child("nodePort");
            if (type == "ClusterIP")
            {
                errors.Add(FieldError.Forbidden(nodePortPath, "may not be used when `type` is 'ClusterIP'"));
            }
            else if (nodePort is < NodePortMin or > NodePortMax)
            {
                errors.Add(FieldError.Invalid(nodePortPath, nodePort,
                    $"provided port is not in the valid range. The range of valid ports is {NodePortMin}-{NodePortMax}"));
            }
        }

        var nodePorts = new HashSet<(string?, int)>();
        var servicePorts = new HashSet<(string?, int)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            if (port.NodePort is { } nodePort and not 0 && !nodePorts.Add((port.Protocol, nodePort)))
            {
                errors.Add(FieldError.Duplicate(Spec.Child("ports").Index(i).Child("nodePort"), nodePort));
            }
            if (!servicePorts.Add((port.Protocol, port.Port)))
            {
                errors.Add(FieldError.Duplicate(Spec.Child("ports").Index(i), new GoValue.GoSyntax(
                    $"core.ServicePort{{Name:\"\", Protocol:{GoValue.Quote(port.Protocol ?? "")}, AppProtocol:(*string)(nil), Port:{port.Port}, " +
                    "TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}")));
            }
        }

        if (spec.LoadBalancerSourceRanges is { Count: > 0 } ranges)
        {
            var rangesPath = Spec.Child("LoadBalancerSourceRanges");
            if (type != "LoadBalancer")
            {
                errors.Add(FieldError.Forbidden(rangesPath, "may only be used when `type` is 'LoadBalancer'"));
            }
            for (var i = 0; i < ranges.Count; i++)
            {
                errors.AddRange(NetRules.ValidCidr(ranges[i].Trim(), rangesPath.Index(i)));
            }
        }
        if (spec.AllocateLoadBalancerNodePorts is not null && type != "LoadBalancer")
        {
            errors.Add(FieldError.Forbidden(Spec.Child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"));
        }
        if (type == "LoadBalancer" && spec.AllocateLoadBalancerNodePorts is null)
        {
            // Upstream reports this one without the "spec." prefix.
            errors.Add(FieldError.Required(FieldPath.Of("allocateLoadBalancerNodePorts")));
        }
        if (spec.LoadBalancerClass is { } loadBalancerClass)
        {
            if (type != "LoadBalancer")
            {
                errors.Add(FieldError.Forbidden(Spec.Child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"));
            }
            errors.AddRange(NameRules.QualifiedName(loadBalancerClass).Select(m => FieldError.Invalid(Spec.Child("loadBalancerClass"), loadBalancerClass, m)));
        }

        errors.AddRange(ValidateTrafficPolicies(spec, type));
        return errors;
    }

    public static bool IsHeadless(ServiceSpec spec) => spec.ClusterIPs is ["None"];

    private static List<FieldError> ValidatePort(ServicePort port, bool requireName, HashSet<string> names, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (requireName && string.IsNullOrEmpty(port.Name))
        {
            errors.Add(FieldError.Required(path.Child("name")));
        }
        else if (!string.IsNullOrEmpty(port.Name))
        {
            errors.AddRange(NameRules.DNS1123Label(port.Name).Select(m => FieldError.Invalid(path.Child("name"), port.Name, m)));
            if (!names.Add(port.Name))
            {
                errors.Add(FieldError.Duplicate(path.Child("name"), port.Name));
            }
        }
        errors.AddRange(NameRules.PortNumber(port.Port).Select(m => FieldError.Invalid(path.Child("port"), port.Port, m)));
        if (string.IsNullOrEmpty(port.Protocol))
        {
            errors.Add(FieldError.Required(path.Child("protocol")));
        }
        else if (!Protocols.Contains(port.Protocol))
        {
            errors.Add(FieldError.NotSupported(path.Child("protocol"), port.Protocol, Protocols));
        }
        else if (port.Protocol == "SCTP")
        {
            // Valid upstream, but the service proxy relays TCP and UDP only: refused rather than stored and never served.
            var refused = FieldError.NotSupported(path.Child("protocol"), port.Protocol, ["TCP", "UDP"]);
            errors.Add(refused with { Message = $"{refused.Message} ({SctpUnsupported})" });
        }
        errors.AddRange(ProbeValidation.ValidatePortNumberOrName(port.TargetPort ?? IntOrString.FromInt(0), path.Child("targetPort")));
        if (port.AppProtocol is { } appProtocol)
        {
            errors.AddRange(NameRules.QualifiedName(appProtocol).Select(m => FieldError.Invalid(path.Child("appProtocol"), appProtocol, m)));
        }
        return errors;
    }

    private static List<FieldError> ValidateClientIpConfig(SessionAffinityConfig? config, FieldPath path)
    {
        const string when = "when session affinity type is ClientIP";
        if (config is null)
        {
            return [FieldError.Required(path, when)];
        }
        if (config.ClientIP is null)
        {
            return [FieldError.Required(path.Child("clientIP"), when)];
        }
        if (config.ClientIP.TimeoutSeconds is not { } timeout)
        {
            return [FieldError.Required(path.Child("clientIP", "timeoutSeconds"), when)];
        }
        return timeout is <= 0 or > 86400
            ? [FieldError.Invalid(path.Child("clientIP", "timeoutSeconds"), timeout, "must be greater than 0 and less than 86400")]
            : [];
    }

    private static List<FieldError> ValidateClusterIps(ServiceSpec spec)
    {
        var errors = new List<FieldError>();
        if (spec.Type == "ExternalName")
        {
            return errors;
        }
        var clusterIpsPath = Spec.Child("clusterIPs");
        var clusterIps = spec.ClusterIPs ?? [];
        if (!string.IsNullOrEmpty(spec.ClusterIP))
        {
            if (clusterIps.Count == 0)
            {
                errors.Add(FieldError.Required(clusterIpsPath));
            }
            else if (clusterIps[0] != spec.ClusterIP)
            {
                errors.Add(FieldError.Invalid(clusterIpsPath, clusterIps, "first value must match `clusterIP`"));
            }
        }
        else if (clusterIps.Count > 0)
        {
            errors.Add(FieldError.Invalid(clusterIpsPath, clusterIps, "must be empty when `clusterIP` is not specified"));
        }

        var families = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (spec.IpFamilies?.Count ?? 0); i++)
        {
            var family = spec.IpFamilies![i];
            if (family is not ("IPv4" or "IPv6"))
            {
                errors.Add(FieldError.NotSupported(Spec.Child("ipFamilies").Index(i), family, ["IPv4", "IPv6"]));
            }
            if (!families.Add(family))
            {
                errors.Add(FieldError.Duplicate(Spec.Child("ipFamilies").Index(i), family));
            }
        }
        if (spec.IpFamilyPolicy is { } policy && policy is not ("PreferDualStack" or "RequireDualStack" or "SingleStack"))
        {
            errors.Add(FieldError.NotSupported(Spec.Child("ipFamilyPolicy"), policy, ["PreferDualStack", "RequireDualStack", "SingleStack"]));
        }
        for (var i = 0; i < clusterIps.Count; i++)
        {
            if (i == 0 && clusterIps[0] == "None")
            {
                if (clusterIps.Count > 1)
                {
                    errors.Add(FieldError.Invalid(clusterIpsPath, clusterIps, "'None' must be the first and only value"));
                }
                continue;
            }
            errors.AddRange(PodSpecValidation.ValidIp(clusterIps[i], clusterIpsPath.Index(i)));
        }
        if (spec.IpFamilyPolicy == "SingleStack" && clusterIps.Count > 1)
        {
            errors.Add(FieldError.Invalid(clusterIpsPath, clusterIps, "must be at most one value when ipFamilyPolicy is SingleStack"));
        }
        if (spec.IpFamilyPolicy == "SingleStack" && spec.IpFamilies is { Count: > 1 })
        {
            errors.Add(FieldError.Invalid(Spec.Child("ipFamilies"), spec.IpFamilies, "must be at most one value when ipFamilyPolicy is SingleStack"));
        }
        return errors;
    }

    private static List<FieldError> ValidateTrafficPolicies(ServiceSpec spec, string type)
    {
        var errors = new List<FieldError>();
        var externallyAccessible = type is "LoadBalancer" or "NodePort" || (type == "ClusterIP" && spec.ExternalIPs is { Count: > 0 });
        if (!externallyAccessible)
        {
            if (!string.IsNullOrEmpty(spec.ExternalTrafficPolicy))
            {
                errors.Add(FieldError.Invalid(Spec.Child("externalTrafficPolicy"), spec.ExternalTrafficPolicy, "may only be set for externally-accessible services"));
            }
        }
        else if (string.IsNullOrEmpty(spec.ExternalTrafficPolicy))
        {
            errors.Add(FieldError.Required(Spec.Child("externalTrafficPolicy")));
        }
        else if (spec.ExternalTrafficPolicy is not ("Cluster" or "Local"))
        {
            errors.Add(FieldError.NotSupported(Spec.Child("externalTrafficPolicy"), spec.ExternalTrafficPolicy, ["Cluster", "Local"]));
        }

        var needsHealthCheck = type == "LoadBalancer" && spec.ExternalTrafficPolicy == "Local";
        var healthCheckPort = spec.HealthCheckNodePort ?? 0;
        if (!needsHealthCheck && healthCheckPort != 0)
        {
            errors.Add(FieldError.Invalid(Spec.Child("healthCheckNodePort"), healthCheckPort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
        }
        else if (needsHealthCheck && healthCheckPort != 0)
        {
            errors.AddRange(NameRules.PortNumber(healthCheckPort).Select(m => FieldError.Invalid(Spec.Child("healthCheckNodePort"), healthCheckPort, m)));
        }

        if (spec.InternalTrafficPolicy is null && type is "NodePort" or "LoadBalancer" or "ClusterIP")
        {
            errors.Add(FieldError.Required(Spec.Child("internalTrafficPolicy")));
        }
        if (spec.InternalTrafficPolicy is { } internalPolicy && internalPolicy is not ("Cluster" or "Local"))
        {
            errors.Add(FieldError.NotSupported(Spec.Child("internalTrafficPolicy"), internalPolicy, ["Cluster", "Local"]));
        }
        if (spec.TrafficDistribution is { } distribution && distribution != "PreferClose")
        {
            errors.Add(FieldError.NotSupported(Spec.Child("trafficDistribution"), distribution, ["PreferClose"]));
        }
        return errors;
    }

    private static List<FieldError> ValidateUpdate(ServiceSpec spec, ServiceSpec old)
    {
        var errors = new List<FieldError>();
        var changingExternalName = spec.Type == "ExternalName" || old.Type == "ExternalName";
        if (!changingExternalName && old.ClusterIPs is { Count: > 0 } oldIps && spec.ClusterIPs is { Count: > 0 } newIps && oldIps[0] != newIps[0])
        {
            errors.Add(FieldError.Invalid(Spec.Child("clusterIPs").Index(0), newIps, "may not change once set"));
        }
        if (!changingExternalName && old.IpFamilies is { Count: > 0 } oldFamilies && spec.IpFamilies is { Count: > 0 } newFamilies && oldFamilies[0] != newFamilies[0])
        {
            errors.Add(FieldError.Invalid(Spec.Child("ipFamilies").Index(0), newFamilies, "may not change once set"));
        }
        var neededBefore = old.Type == "LoadBalancer" && old.ExternalTrafficPolicy == "Local";
        var neededAfter = spec.Type == "LoadBalancer" && spec.ExternalTrafficPolicy == "Local";
        if (neededBefore && neededAfter && (spec.HealthCheckNodePort ?? 0) != (old.HealthCheckNodePort ?? 0))
        {
            errors.Add(FieldError.Forbidden(Spec.Child("healthCheckNodePort"), MetadataValidation.FieldImmutable));
        }
        return errors;
    }
}
