using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>A PodSpec, in a Pod or in a template (upstream ValidatePodSpec and the checks it calls).</summary>
public static class PodSpecValidation
{
    private static readonly string[] RestartPolicies = ["Always", "OnFailure", "Never"];
    private static readonly string[] DnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
    private static readonly string[] TaintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    /// <param name="resourceIsPod">True for a Pod; false for a PodSpec embedded in another kind.</param>
    public static List<FieldError> Validate(PodSpec spec, FieldPath path, bool resourceIsPod)
    {
        var errors = new List<FieldError>();
        if (spec.TerminationGracePeriodSeconds is null)
        {
            errors.Add(FieldError.Required(path.Child("terminationGracePeriodSeconds")));
        }

        var (volumes, volumeErrors) = VolumeValidation.ValidateVolumes(spec.Volumes, path.Child("volumes"));
        errors.AddRange(volumeErrors);
        var claimNames = (spec.ResourceClaims ?? []).Select(c => c.Name).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(ValidateResourceClaims(spec.ResourceClaims, path.Child("resourceClaims")));

        var context = new PodSpecContext(volumes, claimNames, spec.TerminationGracePeriodSeconds, spec.RestartPolicy ?? "");
        errors.AddRange(ContainerValidation.ValidateContainers(spec.Containers, context, path.Child("containers")));
        errors.AddRange(ContainerValidation.ValidateInitContainers(spec.InitContainers, spec.Containers, context, path.Child("initContainers")));
        errors.AddRange(ContainerValidation.ValidateEphemeralContainers(spec.EphemeralContainers, spec, context, path.Child("ephemeralContainers")));

        errors.AddRange(HostNetworkPorts(spec, path, resourceIsPod));
        errors.AddRange(OneOf(spec.RestartPolicy, RestartPolicies, path.Child("restartPolicy")));
        errors.AddRange(OneOf(spec.DnsPolicy, DnsPolicies, path.Child("dnsPolicy")));
        errors.AddRange(MetadataValidation.ValidateLabels(spec.NodeSelector, path.Child("nodeSelector")));
        errors.AddRange(SecurityValidation.ValidatePodSecurityContext(spec, path));
        errors.AddRange(UnsupportedSecurityValidation.Validate(spec, path));
        errors.AddRange(UnsupportedPodFieldsValidation.Validate(spec, path));
        for (var i = 0; i < (spec.ImagePullSecrets?.Count ?? 0); i++)
        {
            if (spec.ImagePullSecrets![i].ExtensionData is { Count: > 0 })
            {
                errors.Add(FieldError.Invalid(path.Child("imagePullSecrets").Index(i), new GoValue.GoSyntax("core.LocalObjectReference{…}"), "only name may be set"));
            }
        }
        errors.AddRange(ValidateAffinity(spec.Affinity, path.Child("affinity")));
        errors.AddRange(ValidateDnsConfig(spec.DnsConfig, spec.DnsPolicy, path.Child("dnsConfig")));
        for (var i = 0; i < (spec.ReadinessGates?.Count ?? 0); i++)
        {
            var condition = spec.ReadinessGates![i].ConditionType;
            errors.AddRange(NameRules.QualifiedName(condition).Select(m => FieldError.Invalid(path.Child("readinessGates").Index(i).Child("conditionType"), condition, m)));
        }
        var gates = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (spec.SchedulingGates?.Count ?? 0); i++)
        {
            var gate = spec.SchedulingGates![i].Name;
            errors.AddRange(NameRules.QualifiedName(gate).Select(m => FieldError.Invalid(path.Child("schedulingGates").Index(i), gate, m)));
            if (!gates.Add(gate))
            {
                errors.Add(FieldError.Duplicate(path.Child("schedulingGates").Index(i), gate));
            }
        }
        errors.AddRange(ValidateTopologySpread(spec.TopologySpreadConstraints, path.Child("topologySpreadConstraints")));

        if (!string.IsNullOrEmpty(spec.ServiceAccountName))
        {
            errors.AddRange(MetadataValidation.DnsSubdomain(spec.ServiceAccountName, false).Select(m => FieldError.Invalid(path.Child("serviceAccountName"), spec.ServiceAccountName, m)));
        }
        if (!string.IsNullOrEmpty(spec.NodeName))
        {
            errors.AddRange(MetadataValidation.DnsSubdomain(spec.NodeName, false).Select(m => FieldError.Invalid(path.Child("nodeName"), spec.NodeName, m)));
        }
        if (spec.ActiveDeadlineSeconds is { } deadline && (deadline < 1 || deadline > int.MaxValue))
        {
            errors.Add(FieldError.Invalid(path.Child("activeDeadlineSeconds"), deadline, NameRules.InclusiveRangeError(1, int.MaxValue)));
        }
        if (!string.IsNullOrEmpty(spec.Hostname))
        {
            errors.AddRange(NameRules.DNS1123Label(spec.Hostname).Select(m => FieldError.Invalid(path.Child("hostname"), spec.Hostname, m)));
        }
        if (!string.IsNullOrEmpty(spec.Subdomain))
        {
            errors.AddRange(NameRules.DNS1123Label(spec.Subdomain).Select(m => FieldError.Invalid(path.Child("subdomain"), spec.Subdomain, m)));
        }
        errors.AddRange(ValidateTolerations(spec.Tolerations, path.Child("tolerations")));
        for (var i = 0; i < (spec.HostAliases?.Count ?? 0); i++)
        {
            var alias = spec.HostAliases![i];
            var aliasPath = path.Child("hostAliases").Index(i);
            errors.AddRange(ValidIp(alias.Ip, aliasPath.Child("ip")));
            for (var h = 0; h < (alias.Hostnames?.Count ?? 0); h++)
            {
                var hostname = alias.Hostnames![h];
                errors.AddRange(NameRules.DNS1123Subdomain(hostname).Select(m => FieldError.Invalid(aliasPath.Child("hostnames").Index(h), hostname, m)));
            }
        }
        if (!string.IsNullOrEmpty(spec.PriorityClassName))
        {
            errors.AddRange(MetadataValidation.DnsSubdomain(spec.PriorityClassName, false).Select(m => FieldError.Invalid(path.Child("priorityClassName"), spec.PriorityClassName, m)));
        }
        if (spec.RuntimeClassName is { } runtimeClass)
        {
            errors.AddRange(MetadataValidation.DnsSubdomain(runtimeClass, false).Select(m => FieldError.Invalid(path.Child("runtimeClassName"), runtimeClass, m)));
        }
        if (spec.PreemptionPolicy is { } preemption)
        {
            errors.AddRange(OneOf(preemption, ["PreemptLowerPriority", "Never"], path.Child("preemptionPolicy")));
        }
        if (spec.Overhead is not null)
        {
            errors.AddRange(ResourceValidation.ValidateRequirements(new ResourceRequirements { Limits = spec.Overhead }, [], path.Child("overhead")));
        }
        if (spec.Os is { } os && os.Name is not ("linux" or "windows"))
        {
            errors.Add(FieldError.NotSupported(path.Child("os", "name"), os.Name, ["linux", "windows"]));
        }
        return errors;
    }

    /// <summary>Required when empty, NotSupported when not one of the values (upstream's enum pattern).</summary>
    public static List<FieldError> OneOf(string? value, string[] allowed, FieldPath path) =>
        string.IsNullOrEmpty(value) ? [FieldError.Required(path)]
        : allowed.Contains(value) ? []
        : [FieldError.NotSupported(path, value, allowed)];

    public static List<FieldError> ValidateTolerations(List<Toleration>? tolerations, FieldPath path)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < (tolerations?.Count ?? 0); i++)
        {
            var toleration = tolerations![i];
            var itemPath = path.Index(i);
            var key = toleration.Key ?? "";
            var op = toleration.Operator ?? "";
            var value = toleration.Value ?? "";
            var effect = toleration.Effect ?? "";
            if (key.Length > 0)
            {
                errors.AddRange(MetadataValidation.ValidateLabelName(key, itemPath.Child("key")));
            }
            if (key.Length == 0 && op != "Exists")
            {
                errors.Add(FieldError.Invalid(itemPath.Child("operator"), op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
            }
            if (toleration.TolerationSeconds is not null && effect != "NoExecute")
            {
                errors.Add(FieldError.Invalid(itemPath.Child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            }
            switch (op)
            {
                case "Equal" or "":
                    var messages = NameRules.LabelValue(value);
                    if (messages.Count > 0)
                    {
                        errors.Add(FieldError.Invalid(itemPath.Child("operator"), value, string.Join(";", messages)));
                    }
                    break;
                case "Exists":
                    if (value.Length > 0)
                    {
                        errors.Add(FieldError.Invalid(itemPath.Child("operator"), value, "value must be empty when `operator` is 'Exists'"));
                    }
                    break;
                default:
                    errors.Add(FieldError.NotSupported(itemPath.Child("operator"), op, ["Equal", "Exists"]));
                    break;
            }
            if (effect.Length > 0 && !TaintEffects.Contains(effect))
            {
                errors.Add(FieldError.NotSupported(itemPath.Child("effect"), effect, TaintEffects));
            }
        }
        return errors;
    }

    /// <summary>Taint effect: required unless allowEmpty, else one of the three effects.</summary>
    public static List<FieldError> ValidateTaintEffect(string effect, bool allowEmpty, FieldPath path) =>
        !allowEmpty && effect.Length == 0 ? [FieldError.Required(path)]
        : TaintEffects.Contains(effect) ? []
        : [FieldError.NotSupported(path, effect, TaintEffects)];

    public static List<FieldError> ValidIp(string value, FieldPath path) => NetRules.ValidIp(value, path);

    private static List<FieldError> HostNetworkPorts(PodSpec spec, FieldPath path, bool resourceIsPod)
    {
        var errors = new List<FieldError>();
        if (spec.HostNetwork != true)
        {
            return errors;
        }
        for (var c = 0; c < spec.Containers.Count; c++)
        {
            for (var p = 0; p < (spec.Containers[c].Ports?.Count ?? 0); p++)
            {
                var port = spec.Containers[c].Ports![p];
                var hostPort = port.HostPort ?? 0;
                if ((resourceIsPod || hostPort != 0) && hostPort != port.ContainerPortNumber)
                {
                    errors.Add(FieldError.Invalid(path.Child("containers").Index(c).Child("ports").Index(p).Child("hostPort"), hostPort,
                        "must match `containerPort` when `hostNetwork` is true"));
                }
            }
        }
        return errors;
    }

    private static List<FieldError> ValidateResourceClaims(List<PodResourceClaim>? claims, FieldPath path)
    {
        var errors = new List<FieldError>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (claims?.Count ?? 0); i++)
        {
            var claim = claims![i];
            var itemPath = path.Index(i);
            if (claim.Name.Length == 0)
            {
                errors.Add(FieldError.Required(itemPath.Child("name")));
            }
            else if (!names.Add(claim.Name))
            {
                errors.Add(FieldError.Duplicate(itemPath.Child("name"), claim.Name));
            }
            else
            {
                errors.AddRange(NameRules.DNS1123Label(claim.Name).Select(m => FieldError.Invalid(itemPath.Child("name"), claim.Name, m)));
            }
            if (claim.ResourceClaimName is not null && claim.ResourceClaimTemplateName is not null)
            {
                errors.Add(FieldError.Invalid(itemPath, new GoValue.GoSyntax("core.PodResourceClaim{…}"), "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"));
            }
            if (claim.ResourceClaimName is null && claim.ResourceClaimTemplateName is null)
            {
                errors.Add(FieldError.Invalid(itemPath, new GoValue.GoSyntax("core.PodResourceClaim{…}"), "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"));
            }
        }
        return errors;
    }

    private static List<FieldError> ValidateDnsConfig(PodDNSConfig? config, string? dnsPolicy, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (dnsPolicy == "None")
        {
            if (config is null)
            {
                return [FieldError.Required(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
            }
            if (config.Nameservers is null or { Count: 0 })
            {
                return [FieldError.Required(path.Child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None")];
            }
        }
        if (config is null)
        {
            return errors;
        }
        if (config.Nameservers is { Count: > 3 })
        {
            errors.Add(FieldError.Invalid(path.Child("nameservers"), config.Nameservers, "must not have more than 3 nameservers"));
        }
        for (var i = 0; i < (config.Nameservers?.Count ?? 0); i++)
        {
            errors.AddRange(ValidIp(config.Nameservers![i], path.Child("nameservers").Index(i)));
        }
        if (config.Searches is { Count: > 32 })
        {
            errors.Add(FieldError.Invalid(path.Child("searches"), config.Searches, "must not have more than 32 search paths"));
        }
        if (config.Searches is not null && string.Join(' ', config.Searches).Length > 2048)
        {
            errors.Add(FieldError.Invalid(path.Child("searches"), config.Searches, "must not have more than 2048 characters (including spaces) in the search list"));
        }
        for (var i = 0; i < (config.Searches?.Count ?? 0); i++)
        {
            var search = config.Searches![i];
            if (search == ".")
            {
                continue;
            }
            search = search.TrimEnd('.');
            errors.AddRange(NameRules.DNS1123Subdomain(search.Replace('_', 'a')).Select(m => FieldError.Invalid(path.Child("searches").Index(i), search, m)));
        }
        for (var i = 0; i < (config.Options?.Count ?? 0); i++)
        {
            if (string.IsNullOrEmpty(config.Options![i].Name))
            {
                errors.Add(FieldError.Required(path.Child("options").Index(i), "must not be empty"));
            }
        }
        return errors;
    }

    private static List<FieldError> ValidateAffinity(Affinity? affinity, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is { } required)
        {
            var requiredPath = path.Child("nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution");
            if (required.NodeSelectorTerms.Count == 0)
            {
                errors.Add(FieldError.Required(requiredPath.Child("nodeSelectorTerms"), "must have at least one node selector term"));
            }
            for (var t = 0; t < required.NodeSelectorTerms.Count; t++)
            {
                errors.AddRange(ValidateNodeSelectorTerm(required.NodeSelectorTerms[t], requiredPath.Child("nodeSelectorTerms").Index(t)));
            }
        }
        for (var i = 0; i < (affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution?.Count ?? 0); i++)
        {
            var term = affinity!.NodeAffinity!.PreferredDuringSchedulingIgnoredDuringExecution![i];
            var termPath = path.Child("nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution").Index(i);
            if (term.Weight is <= 0 or > 100)
            {
                errors.Add(FieldError.Invalid(termPath.Child("weight"), term.Weight, "must be in the range 1-100"));
            }
            errors.AddRange(ValidateNodeSelectorTerm(term.Preference, termPath.Child("preference")));
        }
        errors.AddRange(ValidatePodAffinityTerms(affinity?.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution,
            affinity?.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution, path.Child("podAffinity")));
        errors.AddRange(ValidatePodAffinityTerms(affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution,
            affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution, path.Child("podAntiAffinity")));
        return errors;
    }

    internal static List<FieldError> ValidateNodeSelectorTerm(NodeSelectorTerm term, FieldPath path)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < (term.MatchExpressions?.Count ?? 0); i++)
        {
            var requirement = term.MatchExpressions![i];
            var itemPath = path.Child("matchExpressions").Index(i);
            switch (requirement.Operator)
            {
                case "In" or "NotIn":
                    if (requirement.Values is null or { Count: 0 })
                    {
                        errors.Add(FieldError.Required(itemPath.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                    break;
                case "Exists" or "DoesNotExist":
                    if (requirement.Values is { Count: > 0 })
                    {
                        errors.Add(FieldError.Forbidden(itemPath.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                    break;
                case "Gt" or "Lt":
                    if (requirement.Values is not { Count: 1 })
                    {
                        errors.Add(FieldError.Required(itemPath.Child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
                    }
                    break;
                default:
                    errors.Add(FieldError.Invalid(itemPath.Child("operator"), requirement.Operator, "not a valid selector operator"));
                    break;
            }
            errors.AddRange(MetadataValidation.ValidateLabelName(requirement.Key, itemPath.Child("key")));
        }
        return errors;
    }

    private static List<FieldError> ValidatePodAffinityTerms(List<PodAffinityTerm>? required, List<WeightedPodAffinityTerm>? preferred, FieldPath path)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < (required?.Count ?? 0); i++)
        {
            errors.AddRange(ValidatePodAffinityTerm(required![i], path.Child("requiredDuringSchedulingIgnoredDuringExecution").Index(i)));
        }
        for (var i = 0; i < (preferred?.Count ?? 0); i++)
        {
            var termPath = path.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i);
            if (preferred![i].Weight is <= 0 or > 100)
            {
                errors.Add(FieldError.Invalid(termPath.Child("weight"), preferred[i].Weight, "must be in the range 1-100"));
            }
            errors.AddRange(ValidatePodAffinityTerm(preferred[i].PodAffinityTerm, termPath.Child("podAffinityTerm")));
        }
        return errors;
    }

    private static List<FieldError> ValidatePodAffinityTerm(PodAffinityTerm term, FieldPath path)
    {
        var errors = MetadataValidation.ValidateLabelSelector(term.LabelSelector, path.Child("labelSelector"));
        errors.AddRange(MetadataValidation.ValidateLabelSelector(term.NamespaceSelector, path.Child("namespaceSelector")));
        foreach (var ns in term.Namespaces ?? [])
        {
            errors.AddRange(NameRules.DNS1123Label(ns).Select(m => FieldError.Invalid(path.Child("namespace"), ns, m)));
        }
        if (term.TopologyKey.Length == 0)
        {
            errors.Add(FieldError.Required(path.Child("topologyKey"), "can not be empty"));
        }
        else
        {
            errors.AddRange(MetadataValidation.ValidateLabelName(term.TopologyKey, path.Child("topologyKey")));
        }
        return errors;
    }

    private static List<FieldError> ValidateTopologySpread(List<TopologySpreadConstraint>? constraints, FieldPath path)
    {
        var errors = new List<FieldError>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < (constraints?.Count ?? 0); i++)
        {
            var constraint = constraints![i];
            var itemPath = path.Index(i);
            if (constraint.MaxSkew <= 0)
            {
                errors.Add(FieldError.Invalid(itemPath.Child("maxSkew"), constraint.MaxSkew, "must be greater than zero"));
            }
            if (constraint.TopologyKey.Length == 0)
            {
                errors.Add(FieldError.Required(itemPath.Child("topologyKey"), "can not be empty"));
            }
            else
            {
                errors.AddRange(MetadataValidation.ValidateLabelName(constraint.TopologyKey, itemPath.Child("topologyKey")));
            }
            if (constraint.WhenUnsatisfiable is not ("DoNotSchedule" or "ScheduleAnyway"))
            {
                errors.Add(FieldError.NotSupported(itemPath.Child("whenUnsatisfiable"), constraint.WhenUnsatisfiable, ["DoNotSchedule", "ScheduleAnyway"]));
            }
            if (!seen.Add((constraint.TopologyKey, constraint.WhenUnsatisfiable)))
            {
                errors.Add(FieldError.Duplicate(itemPath, new GoValue.GoSyntax($"{{{constraint.TopologyKey}, {constraint.WhenUnsatisfiable}}}")));
            }
            if (constraint.MinDomains is { } minDomains)
            {
                if (minDomains <= 0)
                {
                    errors.Add(FieldError.Invalid(itemPath.Child("minDomains"), minDomains, "must be greater than 0"));
                }
                else if (constraint.WhenUnsatisfiable != "DoNotSchedule")
                {
                    errors.Add(FieldError.Invalid(itemPath.Child("minDomains"), minDomains, "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"));
                }
            }
            errors.AddRange(MetadataValidation.ValidateLabelSelector(constraint.LabelSelector, itemPath.Child("labelSelector")));
        }
        return errors;
    }
}
