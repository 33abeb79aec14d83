using Axolotl.Api.Coordination;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Events;
using Axolotl.Api.Meta;
using Axolotl.Api.Policy;

namespace Axolotl.Api.Validation;

/// <summary>EndpointSlices, Leases, PodDisruptionBudgets, Events (both API groups) and Bindings.</summary>
public static class OtherKindsValidation
{
    private static readonly FieldPath Metadata = FieldPath.Of("metadata");

    public static List<FieldError> ValidateEndpointSlice(EndpointSlice slice, EndpointSlice? old)
    {
        var errors = old is null ? [] : MetadataValidation.ValidateObjectMetaUpdate(slice.Metadata, old.Metadata, Metadata);
        errors.AddRange(MetadataValidation.ValidateObjectMeta(slice.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata));
        var addressPath = FieldPath.Of("addressType");
        if (slice.AddressType.Length == 0)
        {
            errors.Add(FieldError.Required(addressPath));
        }
        else if (slice.AddressType is not ("IPv4" or "IPv6" or "FQDN"))
        {
            errors.Add(FieldError.NotSupported(addressPath, slice.AddressType, ["FQDN", "IPv4", "IPv6"]));
        }
        if (old is not null && old.AddressType != slice.AddressType)
        {
            errors.Add(FieldError.Invalid(addressPath, slice.AddressType, MetadataValidation.FieldImmutable));
        }

        var endpointsPath = FieldPath.Of("endpoints");
        if (slice.Endpoints.Count > 1000)
        {
            errors.Add(FieldError.TooMany(endpointsPath, slice.Endpoints.Count, 1000));
        }
        for (var i = 0; i < slice.Endpoints.Count; i++)
        {
            var endpoint = slice.Endpoints[i];
            var path = endpointsPath.Index(i);
            if (endpoint.Addresses.Count == 0)
            {
                errors.Add(FieldError.Required(path.Child("addresses"), "must contain at least 1 address"));
            }
            else if (endpoint.Addresses.Count > 100)
            {
                errors.Add(FieldError.TooMany(path.Child("addresses"), endpoint.Addresses.Count, 100));
            }
            for (var a = 0; a < endpoint.Addresses.Count; a++)
            {
                var address = endpoint.Addresses[a];
                var itemPath = path.Child("addresses").Index(a);
                switch (slice.AddressType)
                {
                    case "IPv4" when !NetRules.IsIPv4(address):
                        errors.Add(FieldError.Invalid(itemPath, address, "must be a valid IPv4 address"));
                        break;
                    case "IPv6" when !NetRules.IsIPv6(address):
                        errors.Add(FieldError.Invalid(itemPath, address, "must be a valid IPv6 address"));
                        break;
                    case "IPv4" or "IPv6":
                        errors.AddRange(NetRules.NonSpecialIp(address, itemPath));
                        break;
                    case "FQDN":
                        errors.AddRange(NameRules.DNS1123Subdomain(address.TrimEnd('.')).Select(m => FieldError.Invalid(itemPath, address, m)));
                        break;
                }
            }
            if (!string.IsNullOrEmpty(endpoint.NodeName))
            {
                errors.AddRange(MetadataValidation.DnsSubdomain(endpoint.NodeName, false).Select(m => FieldError.Invalid(path.Child("nodeName"), endpoint.NodeName, m)));
            }
            if (endpoint.Hostname is { } hostname)
            {
                errors.AddRange(NameRules.DNS1123Label(hostname).Select(m => FieldError.Invalid(path.Child("hostname"), hostname, m)));
            }
        }

        var portsPath = FieldPath.Of("ports");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (slice.Ports?.Count ?? 0); i++)
        {
            var port = slice.Ports![i];
            var path = portsPath.Index(i);
            if (!string.IsNullOrEmpty(port.Name))
            {
                errors.AddRange(NameRules.DNS1123Label(port.Name).Select(m => FieldError.Invalid(path.Child("name"), port.Name, m)));
            }
            if (!names.Add(port.Name ?? ""))
            {
                errors.Add(FieldError.Duplicate(path.Child("name"), port.Name ?? ""));
            }
            if (port.Protocol is null)
            {
                errors.Add(FieldError.Required(path.Child("protocol")));
            }
            else if (port.Protocol is not ("SCTP" or "TCP" or "UDP"))
            {
                errors.Add(FieldError.NotSupported(path.Child("protocol"), port.Protocol, ["SCTP", "TCP", "UDP"]));
            }
            if (port.Port is { } number and (< 0 or > 65535))
            {
                errors.Add(FieldError.Invalid(path.Child("port"), number, NameRules.InclusiveRangeError(0, 65535)));
            }
            if (port.AppProtocol is { } appProtocol)
            {
                errors.AddRange(NameRules.QualifiedName(appProtocol).Select(m => FieldError.Invalid(path.Child("appProtocol"), appProtocol, m)));
            }
        }
        return errors;
    }

    public static List<FieldError> ValidateLease(Lease lease, Lease? old)
    {
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(lease.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(lease.Metadata, old.Metadata, Metadata);
        var spec = lease.Spec;
        if (spec?.LeaseDurationSeconds is <= 0)
        {
            errors.Add(FieldError.Invalid(FieldPath.Of("spec", "leaseDurationSeconds"), spec.LeaseDurationSeconds.Value, "must be greater than 0"));
        }
        errors.AddRange(MetadataValidation.NonNegative(spec?.LeaseTransitions, FieldPath.Of("spec", "leaseTransitions")));
        if (spec?.PreferredHolder is not null && spec.Strategy is null)
        {
            errors.Add(FieldError.Forbidden(FieldPath.Of("spec", "preferredHolder"), "may only be specified if `strategy` is defined"));
        }
        return errors;
    }

    public static List<FieldError> ValidatePodDisruptionBudget(PodDisruptionBudget budget, PodDisruptionBudget? old)
    {
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(budget.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(budget.Metadata, old.Metadata, Metadata);
        var spec = budget.Spec ?? new PodDisruptionBudgetSpec();
        var specPath = FieldPath.Of("spec");
        if (spec.MinAvailable is not null && spec.MaxUnavailable is not null)
        {
            errors.Add(FieldError.Invalid(specPath, new GoValue.GoSyntax("policy.PodDisruptionBudgetSpec{…}"), "minAvailable and maxUnavailable cannot be both set"));
        }
        if (spec.MinAvailable is { } minAvailable)
        {
            errors.AddRange(WorkloadValidation.PositiveIntOrPercent(minAvailable, specPath.Child("minAvailable")));
            errors.AddRange(WorkloadValidation.NotMoreThan100Percent(minAvailable, specPath.Child("minAvailable")));
        }
        if (spec.MaxUnavailable is { } maxUnavailable)
        {
            errors.AddRange(WorkloadValidation.PositiveIntOrPercent(maxUnavailable, specPath.Child("maxUnavailable")));
            errors.AddRange(WorkloadValidation.NotMoreThan100Percent(maxUnavailable, specPath.Child("maxUnavailable")));
        }
        errors.AddRange(MetadataValidation.ValidateLabelSelector(spec.Selector, specPath.Child("selector")));
        if (spec.UnhealthyPodEvictionPolicy is { } policy && policy is not ("IfHealthyBudget" or "AlwaysAllow"))
        {
            errors.Add(FieldError.NotSupported(specPath.Child("unhealthyPodEvictionPolicy"), policy, ["AlwaysAllow", "IfHealthyBudget"]));
        }
        return errors;
    }

    /// <summary>core/v1 Events get only upstream's lenient legacy checks, for old clients' sake.</summary>
    public static List<FieldError> ValidateCoreEvent(Core.Event ev) => LegacyEvent(ev);

    /// <summary>events.k8s.io/v1 Events: the legacy checks plus the strict ones (paths use the stored, core field names, as upstream's do).</summary>
    public static List<FieldError> ValidateEventsEvent(Events.Event ev, Events.Event? old)
    {
        var core = EventConversion.ToCore(ev);
        var errors = LegacyEvent(core);
        if (old is null)
        {
            errors.AddRange(MetadataValidation.ValidateObjectMeta(core.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata));
            errors.AddRange(EventSeries(core));
            if (core.EventTime is null)
            {
                errors.Add(FieldError.Required(FieldPath.Of("eventTime")));
            }
            if (core.Type is not ("Normal" or "Warning"))
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("type"), "", $"has invalid value: {core.Type}"));
            }
            if (core.FirstTimestamp is not null)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("firstTimestamp"), "", "needs to be unset"));
            }
            if (core.LastTimestamp is not null)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("lastTimestamp"), "", "needs to be unset"));
            }
            if (core.Count is not (null or 0))
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("count"), "", "needs to be unset"));
            }
            if (!string.IsNullOrEmpty(core.Source?.Component) || !string.IsNullOrEmpty(core.Source?.Host))
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("source"), "", "needs to be unset"));
            }
            return errors;
        }

        var oldCore = EventConversion.ToCore(old);
        errors.AddRange(MetadataValidation.ValidateObjectMetaUpdate(core.Metadata, oldCore.Metadata, Metadata));
        if (!SpecDiff.AreEqual(core.Series, oldCore.Series))
        {
            errors.AddRange(EventSeries(core));
        }
        void Immutable<T>(string field, T updated, T previous)
        {
            if (!SpecDiff.AreEqual(updated, previous))
            {
                errors.Add(FieldError.Invalid(FieldPath.Of(field), updated is string text ? text : new GoValue.GoSyntax(SerializeForMessage(updated)), MetadataValidation.FieldImmutable));
            }
        }
        Immutable("involvedObject", core.InvolvedObject, oldCore.InvolvedObject);
        Immutable("reason", core.Reason ?? "", oldCore.Reason ?? "");
        Immutable("message", core.Message ?? "", oldCore.Message ?? "");
        Immutable("source", core.Source, oldCore.Source);
        Immutable("firstTimestamp", core.FirstTimestamp, oldCore.FirstTimestamp);
        Immutable("lastTimestamp", core.LastTimestamp, oldCore.LastTimestamp);
        Immutable("count", core.Count, oldCore.Count);
        Immutable("type", core.Type ?? "", oldCore.Type ?? "");
        Immutable("eventTime", core.EventTime, oldCore.EventTime);
        Immutable("action", core.Action ?? "", oldCore.Action ?? "");
        Immutable("related", core.Related, oldCore.Related);
        Immutable("reportingController", core.ReportingComponent, oldCore.ReportingComponent);
        Immutable("reportingInstance", core.ReportingInstance, oldCore.ReportingInstance);
        return errors;
    }

    /// <summary>pods/binding: the target must be a Node (or unset kind) with a name.</summary>
    public static List<FieldError> ValidateBinding(Binding binding)
    {
        var errors = new List<FieldError>();
        if (!string.IsNullOrEmpty(binding.Target.Kind) && binding.Target.Kind != "Node")
        {
            errors.Add(FieldError.NotSupported(FieldPath.Of("target", "kind"), binding.Target.Kind, ["Node", "<empty>"]));
        }
        if (string.IsNullOrEmpty(binding.Target.Name))
        {
            errors.Add(FieldError.Required(FieldPath.Of("target", "name")));
        }
        return errors;
    }

    private static List<FieldError> LegacyEvent(Core.Event ev)
    {
        var errors = new List<FieldError>();
        var ns = ev.Metadata.Namespace ?? "";
        var involvedNamespace = ev.InvolvedObject.Namespace ?? "";
        var involvedPath = FieldPath.Of("involvedObject", "namespace");
        if (ev.EventTime is null)
        {
            if (involvedNamespace.Length == 0 ? ns is not ("" or "default") : ns != involvedNamespace)
            {
                errors.Add(FieldError.Invalid(involvedPath, involvedNamespace, "does not match event.namespace"));
            }
        }
        else
        {
            if (involvedNamespace.Length == 0 && ns is not ("default" or "kube-system"))
            {
                errors.Add(FieldError.Invalid(involvedPath, involvedNamespace, "does not match event.namespace"));
            }
            if (ev.ReportingComponent.Length == 0)
            {
                errors.Add(FieldError.Required(FieldPath.Of("reportingController")));
            }
            errors.AddRange(NameRules.QualifiedName(ev.ReportingComponent).Select(m => FieldError.Invalid(FieldPath.Of("reportingController"), ev.ReportingComponent, m)));
            if (ev.ReportingInstance.Length == 0)
            {
                errors.Add(FieldError.Required(FieldPath.Of("reportingInstance")));
            }
            if (ev.ReportingInstance.Length > 128)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("reportingInstance"), "", "can have at most 128 characters"));
            }
            if (string.IsNullOrEmpty(ev.Action))
            {
                errors.Add(FieldError.Required(FieldPath.Of("action")));
            }
            if (ev.Action?.Length > 128)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("action"), "", "can have at most 128 characters"));
            }
            if (string.IsNullOrEmpty(ev.Reason))
            {
                errors.Add(FieldError.Required(FieldPath.Of("reason")));
            }
            if (ev.Reason?.Length > 128)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("reason"), "", "can have at most 128 characters"));
            }
            if (ev.Message?.Length > 1024)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("message"), "", "can have at most 1024 characters"));
            }
        }
        errors.AddRange(NameRules.DNS1123Subdomain(ns).Select(m => FieldError.Invalid(FieldPath.Of("namespace"), ns, m)));
        return errors;
    }

    private static List<FieldError> EventSeries(Core.Event ev)
    {
        var errors = new List<FieldError>();
        if (ev.Series is { } series)
        {
            if ((series.Count ?? 0) < 2)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("series.count"), "", "should be at least 2"));
            }
            if (series.LastObservedTime is null)
            {
                errors.Add(FieldError.Required(FieldPath.Of("series.lastObservedTime")));
            }
        }
        return errors;
    }

    private static string SerializeForMessage<T>(T value) => value is null ? "null" : Serialization.KubeJson.Serialize(value);
}
