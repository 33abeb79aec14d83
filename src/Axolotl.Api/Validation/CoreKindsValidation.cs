using System.Text.Json;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Validation;

/// <summary>Namespaces, ConfigMaps, Secrets, ServiceAccounts, Nodes, Endpoints, ResourceQuotas and LimitRanges.</summary>
public static class CoreKindsValidation
{
    public const int MaxSecretSize = 1024 * 1024;

    private static readonly FieldPath Metadata = FieldPath.Of("metadata");
    private static readonly HashSet<string> QuotaScopes = ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"];
    private static readonly HashSet<string> LimitTypes = ["Pod", "Container", "PersistentVolumeClaim"];

    public static List<FieldError> ValidateNamespace(Namespace ns, Namespace? old)
    {
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(ns.Metadata, requiresNamespace: false, MetadataValidation.DnsLabel, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(ns.Metadata, old.Metadata, Metadata);
        foreach (var finalizer in ns.Spec?.Finalizers ?? [])
        {
            var path = FieldPath.Of("spec", "finalizers");
            errors.AddRange(NameRules.QualifiedName(finalizer).Select(m => FieldError.Invalid(path, finalizer, m)));
            errors.AddRange(MetadataValidation.ValidateKubeFinalizerName(finalizer, path));
        }
        return errors;
    }

    public static List<FieldError> ValidateConfigMap(ConfigMap configMap, ConfigMap? old)
    {
        var errors = new List<FieldError>();
        if (old is not null)
        {
            errors.AddRange(MetadataValidation.ValidateObjectMetaUpdate(configMap.Metadata, old.Metadata, Metadata));
            if (old.Immutable == true)
            {
                const string frozen = "field is immutable when `immutable` is set";
                if (configMap.Immutable != true)
                {
                    errors.Add(FieldError.Forbidden(FieldPath.Of("immutable"), frozen));
                }
                if (!SpecDiff.AreEqual(configMap.Data, old.Data))
                {
                    errors.Add(FieldError.Forbidden(FieldPath.Of("data"), frozen));
                }
                if (!SpecDiff.AreEqual(configMap.BinaryData, old.BinaryData))
                {
                    errors.Add(FieldError.Forbidden(FieldPath.Of("binaryData"), frozen));
                }
            }
        }
        errors.AddRange(MetadataValidation.ValidateObjectMeta(configMap.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata));
        long total = 0;
        foreach (var (key, value) in Sorted(configMap.Data))
        {
            var path = FieldPath.Of("data").Key(key);
            errors.AddRange(NameRules.ConfigMapKey(key).Select(m => FieldError.Invalid(path, key, m)));
            if (configMap.BinaryData?.ContainsKey(key) == true)
            {
                errors.Add(FieldError.Invalid(path, key, "duplicate of key present in binaryData"));
            }
            total += System.Text.Encoding.UTF8.GetByteCount(value);
        }
        foreach (var (key, value) in Sorted(configMap.BinaryData))
        {
            errors.AddRange(NameRules.ConfigMapKey(key).Select(m => FieldError.Invalid(FieldPath.Of("binaryData").Key(key), key, m)));
            total += value.Length;
        }
        if (total > MaxSecretSize)
        {
            errors.Add(FieldError.TooLong(FieldPath.Root, MaxSecretSize));
        }
        return errors;
    }

    public static List<FieldError> ValidateSecret(Secret secret, Secret? old)
    {
        var errors = new List<FieldError>();
        if (old is not null)
        {
            errors.AddRange(MetadataValidation.ValidateObjectMetaUpdate(secret.Metadata, old.Metadata, Metadata));
            if ((secret.Type ?? "") != (old.Type ?? ""))
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("type"), secret.Type ?? "", MetadataValidation.FieldImmutable));
            }
            if (old.Immutable == true)
            {
                const string frozen = "field is immutable when `immutable` is set";
                if (secret.Immutable != true)
                {
                    errors.Add(FieldError.Forbidden(FieldPath.Of("immutable"), frozen));
                }
                if (!SpecDiff.AreEqual(secret.Data, old.Data))
                {
                    errors.Add(FieldError.Forbidden(FieldPath.Of("data"), frozen));
                }
            }
        }
        errors.AddRange(MetadataValidation.ValidateObjectMeta(secret.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata));
        var dataPath = FieldPath.Of("data");
        long total = 0;
        foreach (var (key, value) in Sorted(secret.Data))
        {
            errors.AddRange(NameRules.ConfigMapKey(key).Select(m => FieldError.Invalid(dataPath.Key(key), key, m)));
            total += value.Length;
        }
        if (total > MaxSecretSize)
        {
            errors.Add(FieldError.TooLong(dataPath, MaxSecretSize));
        }
        var data = secret.Data ?? [];
        switch (secret.Type)
        {
            case "kubernetes.io/service-account-token":
                if (string.IsNullOrEmpty(secret.Metadata.Annotations?.GetValueOrDefault(WellKnown.AnnotationServiceAccountName)))
                {
                    errors.Add(FieldError.Required(Metadata.Child("annotations").Key(WellKnown.AnnotationServiceAccountName)));
                }
                break;
            case "kubernetes.io/dockercfg":
                errors.AddRange(JsonKey(data, ".dockercfg", dataPath));
                break;
            case "kubernetes.io/dockerconfigjson":
                errors.AddRange(JsonKey(data, ".dockerconfigjson", dataPath));
                break;
            case "kubernetes.io/basic-auth":
                if (!data.ContainsKey("username") && !data.ContainsKey("password"))
                {
                    errors.Add(FieldError.Required(dataPath.Key("username")));
                    errors.Add(FieldError.Required(dataPath.Key("password")));
                }
                break;
            case "kubernetes.io/ssh-auth":
                if (!data.TryGetValue("ssh-privatekey", out var key) || key.Length == 0)
                {
                    errors.Add(FieldError.Required(dataPath.Key("ssh-privatekey")));
                }
                break;
            case "kubernetes.io/tls":
                if (!data.ContainsKey("tls.crt"))
                {
                    errors.Add(FieldError.Required(dataPath.Key("tls.crt")));
                }
                if (!data.ContainsKey("tls.key"))
                {
                    errors.Add(FieldError.Required(dataPath.Key("tls.key")));
                }
                break;
        }
        return errors;
    }

    public static List<FieldError> ValidateServiceAccount(ServiceAccount account, ServiceAccount? old)
    {
        var errors = old is null ? [] : MetadataValidation.ValidateObjectMetaUpdate(account.Metadata, old.Metadata, Metadata);
        errors.AddRange(MetadataValidation.ValidateObjectMeta(account.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata));
        return errors;
    }

    public static List<FieldError> ValidateNode(Node node, Node? old)
    {
        var spec = node.Spec ?? new NodeSpec();
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(node.Metadata, requiresNamespace: false, MetadataValidation.DnsSubdomain, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(node.Metadata, old.Metadata, Metadata);
        // Upstream reports node taint problems under metadata.taints; kept so messages match.
        errors.AddRange(ValidateTaints(spec.Taints, Metadata.Child("taints")));
        foreach (var (name, value) in Sorted(node.Status?.Capacity))
        {
            errors.AddRange(ResourceValidation.ValidateQuantityValue(name, value, FieldPath.Of("status", "capacity", name)));
        }
        foreach (var (name, value) in Sorted(node.Status?.Allocatable))
        {
            errors.AddRange(ResourceValidation.ValidateQuantityValue(name, value, FieldPath.Of("status", "allocatable", name)));
        }
        var cidrsPath = FieldPath.Of("spec", "podCIDRs");
        for (var i = 0; i < (spec.PodCIDRs?.Count ?? 0); i++)
        {
            errors.AddRange(NetRules.ValidCidr(spec.PodCIDRs![i], cidrsPath.Index(i)));
        }
        if (old is null)
        {
            return errors;
        }

        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < (node.Status?.Addresses?.Count ?? 0); i++)
        {
            var address = node.Status!.Addresses![i];
            if (!seen.Add((address.Type, address.Address)))
            {
                errors.Add(FieldError.Duplicate(FieldPath.Of("status", "addresses").Index(i),
                    new GoValue.GoSyntax($"core.NodeAddress{{Type:{GoValue.Quote(address.Type)}, Address:{GoValue.Quote(address.Address)}}}")));
            }
        }
        var oldSpec = old.Spec ?? new NodeSpec();
        if (oldSpec.PodCIDRs is { Count: > 0 } oldCidrs && !oldCidrs.SequenceEqual(spec.PodCIDRs ?? []))
        {
            errors.Add(FieldError.Forbidden(cidrsPath, "node updates may not change podCIDR except from \"\" to valid"));
        }
        if (!string.IsNullOrEmpty(oldSpec.ProviderId) && oldSpec.ProviderId != spec.ProviderId)
        {
            errors.Add(FieldError.Forbidden(FieldPath.Of("spec", "providerID"), "node updates may not change providerID except from \"\" to valid"));
        }
        if ((oldSpec.ExternalId ?? "") != (spec.ExternalId ?? ""))
        {
            errors.Add(FieldError.Forbidden(FieldPath.Of("spec", "externalID"), "may not be updated"));
        }
        return errors;
    }

    public static List<FieldError> ValidateTaints(List<Taint>? taints, FieldPath path)
    {
        var errors = new List<FieldError>();
        var unique = new HashSet<(string, string)>();
        for (var i = 0; i < (taints?.Count ?? 0); i++)
        {
            var taint = taints![i];
            var itemPath = path.Index(i);
            errors.AddRange(MetadataValidation.ValidateLabelName(taint.Key, itemPath.Child("key")));
            var valueErrors = NameRules.LabelValue(taint.Value ?? "");
            if (valueErrors.Count > 0)
            {
                errors.Add(FieldError.Invalid(itemPath.Child("value"), taint.Value ?? "", string.Join(";", valueErrors)));
            }
            errors.AddRange(PodSpecValidation.ValidateTaintEffect(taint.Effect, allowEmpty: false, itemPath.Child("effect")));
            if (!unique.Add((taint.Effect, taint.Key)))
            {
                var added = taint.TimeAdded is null ? "<nil>" : Serialization.KubeTimeConverter.Format(taint.TimeAdded.Value);
                errors.Add(FieldError.Duplicate(itemPath,
                    new GoValue.GoSyntax($"core.Taint{{Key:{GoValue.Quote(taint.Key)}, Value:{GoValue.Quote(taint.Value ?? "")}, Effect:{GoValue.Quote(taint.Effect)}, TimeAdded:{added}}}"),
                    "taints must be unique by key and effect pair"));
            }
        }
        return errors;
    }

    public static List<FieldError> ValidateEndpoints(Endpoints endpoints, Endpoints? old)
    {
        var errors = old is null ? [] : MetadataValidation.ValidateObjectMetaUpdate(endpoints.Metadata, old.Metadata, Metadata);
        errors.AddRange(MetadataValidation.ValidateObjectMeta(endpoints.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata));
        for (var s = 0; s < (endpoints.Subsets?.Count ?? 0); s++)
        {
            var subset = endpoints.Subsets![s];
            var subsetPath = FieldPath.Of("subsets").Index(s);
            if ((subset.Addresses?.Count ?? 0) == 0 && (subset.NotReadyAddresses?.Count ?? 0) == 0)
            {
                errors.Add(FieldError.Required(subsetPath, "must specify `addresses` or `notReadyAddresses`"));
            }
            for (var a = 0; a < (subset.Addresses?.Count ?? 0); a++)
            {
                errors.AddRange(ValidateEndpointAddress(subset.Addresses![a], subsetPath.Child("addresses").Index(a)));
            }
            for (var a = 0; a < (subset.NotReadyAddresses?.Count ?? 0); a++)
            {
                errors.AddRange(ValidateEndpointAddress(subset.NotReadyAddresses![a], subsetPath.Child("notReadyAddresses").Index(a)));
            }
            var ports = subset.Ports ?? [];
            for (var p = 0; p < ports.Count; p++)
            {
                var port = ports[p];
                var portPath = subsetPath.Child("ports").Index(p);
                if (ports.Count > 1 && string.IsNullOrEmpty(port.Name))
                {
                    errors.Add(FieldError.Required(portPath.Child("name")));
                }
                else if (!string.IsNullOrEmpty(port.Name))
                {
                    errors.AddRange(NameRules.DNS1123Label(port.Name).Select(m => FieldError.Invalid(portPath.Child("name"), port.Name, m)));
                }
                errors.AddRange(NameRules.PortNumber(port.Port).Select(m => FieldError.Invalid(portPath.Child("port"), port.Port, m)));
                errors.AddRange(PodSpecValidation.OneOf(port.Protocol, ["SCTP", "TCP", "UDP"], portPath.Child("protocol")));
            }
        }
        return errors;
    }

    public static List<FieldError> ValidateResourceQuota(ResourceQuota quota, ResourceQuota? old)
    {
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(quota.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(quota.Metadata, old.Metadata, Metadata);
        var spec = quota.Spec ?? new ResourceQuotaSpec();
        errors.AddRange(QuotaList(spec.Hard, FieldPath.Of("spec", "hard")));
        var scopesPath = FieldPath.Of("spec", "scopes");
        foreach (var scope in spec.Scopes ?? [])
        {
            if (!QuotaScopes.Contains(scope))
            {
                errors.Add(FieldError.Invalid(scopesPath, spec.Scopes!, "unsupported scope"));
            }
        }
        var scopes = spec.Scopes ?? [];
        if ((scopes.Contains("BestEffort") && scopes.Contains("NotBestEffort")) || (scopes.Contains("Terminating") && scopes.Contains("NotTerminating")))
        {
            errors.Add(FieldError.Invalid(scopesPath, scopes, "conflicting scopes"));
        }
        if (old is null)
        {
            errors.AddRange(QuotaList(quota.Status?.Hard, FieldPath.Of("status", "hard")));
            errors.AddRange(QuotaList(quota.Status?.Used, FieldPath.Of("status", "used")));
        }
        else if (!scopes.ToHashSet().SetEquals(old.Spec?.Scopes ?? []))
        {
            errors.Add(FieldError.Invalid(scopesPath, scopes, MetadataValidation.FieldImmutable));
        }
        return errors;
    }

    public static List<FieldError> ValidateLimitRange(LimitRange limitRange, LimitRange? old)
    {
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(limitRange.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(limitRange.Metadata, old.Metadata, Metadata);
        var types = new HashSet<string>(StringComparer.Ordinal);
        var limits = limitRange.Spec?.Limits ?? [];
        for (var i = 0; i < limits.Count; i++)
        {
            var item = limits[i];
            var path = FieldPath.Of("spec", "limits").Index(i);
            var typeErrors = NameRules.QualifiedName(item.Type).Select(m => FieldError.Invalid(path.Child("type"), item.Type, m)).ToList();
            if (typeErrors.Count == 0 && !item.Type.Contains('/', StringComparison.Ordinal) && !LimitTypes.Contains(item.Type))
            {
                typeErrors.Add(FieldError.Invalid(path.Child("type"), item.Type, "must be a standard limit type or fully qualified"));
            }
            errors.AddRange(typeErrors);
            if (!types.Add(item.Type))
            {
                errors.Add(FieldError.Duplicate(path.Child("type"), item.Type));
            }
            errors.AddRange(LimitNames(item, item.Max, path.Child("max")));
            errors.AddRange(LimitNames(item, item.Min, path.Child("min")));
            if (item.Type == "Pod")
            {
                if (item.Default is { Count: > 0 })
                {
                    errors.Add(FieldError.Forbidden(path.Child("default"), "may not be specified when `type` is 'Pod'"));
                }
                if (item.DefaultRequest is { Count: > 0 })
                {
                    errors.Add(FieldError.Forbidden(path.Child("defaultRequest"), "may not be specified when `type` is 'Pod'"));
                }
            }
            else
            {
                errors.AddRange(LimitNames(item, item.Default, path.Child("default")));
                errors.AddRange(LimitNames(item, item.DefaultRequest, path.Child("defaultRequest")));
            }
            if (item.Type == "PersistentVolumeClaim" && item.Min?.ContainsKey("storage") != true && item.Max?.ContainsKey("storage") != true)
            {
                errors.Add(FieldError.Required(path.Child("limits"), "either minimum or maximum storage value is required, but neither was provided"));
            }
            errors.AddRange(LimitNames(item, item.MaxLimitRequestRatio, path.Child("maxLimitRequestRatio")));
            errors.AddRange(LimitRelations(item, path));
        }
        return errors;
    }

    private static List<FieldError> LimitRelations(LimitRangeItem item, FieldPath path)
    {
        var errors = new List<FieldError>();
        var keys = new[] { item.Max, item.Min, item.Default, item.DefaultRequest, item.MaxLimitRequestRatio }
            .SelectMany(map => map?.Keys ?? Enumerable.Empty<string>()).Distinct().Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            Quantity min = default, max = default, deflt = default, request = default, ratio = default;
            var hasMin = item.Min?.TryGetValue(key, out min) == true;
            var hasMax = item.Max?.TryGetValue(key, out max) == true;
            var hasDefault = item.Type != "Pod" && item.Default?.TryGetValue(key, out deflt) == true;
            var hasRequest = item.Type != "Pod" && item.DefaultRequest?.TryGetValue(key, out request) == true;
            var hasRatio = item.MaxLimitRequestRatio?.TryGetValue(key, out ratio) == true;
            if (hasMin && hasMax && min > max)
            {
                errors.Add(FieldError.Invalid(path.Child("min").Key(key), min.ToString(), $"min value {min} is greater than max value {max}"));
            }
            if (hasRequest && hasMin && min > request)
            {
                errors.Add(FieldError.Invalid(path.Child("defaultRequest").Key(key), request.ToString(), $"min value {min} is greater than default request value {request}"));
            }
            if (hasRequest && hasMax && request > max)
            {
                errors.Add(FieldError.Invalid(path.Child("defaultRequest").Key(key), request.ToString(), $"default request value {request} is greater than max value {max}"));
            }
            if (hasRequest && hasDefault && request > deflt)
            {
                errors.Add(FieldError.Invalid(path.Child("defaultRequest").Key(key), request.ToString(), $"default request value {request} is greater than default limit value {deflt}"));
            }
            if (hasDefault && hasMin && min > deflt)
            {
                errors.Add(FieldError.Invalid(path.Child("default").Key(key), min.ToString(), $"min value {min} is greater than default value {deflt}"));
            }
            if (hasDefault && hasMax && deflt > max)
            {
                errors.Add(FieldError.Invalid(path.Child("default").Key(key), max.ToString(), $"default value {deflt} is greater than max value {max}"));
            }
            if (hasRatio && ratio < Quantity.FromUnits(1))
            {
                errors.Add(FieldError.Invalid(path.Child("maxLimitRequestRatio").Key(key), ratio.ToString(), $"ratio {ratio} is less than 1"));
            }
            if (hasRatio && hasMin && hasMax && min.MilliValue() != 0)
            {
                var limit = (double)max.MilliValue() / min.MilliValue();
                if (ratio.MilliValue() / 1000.0 > limit)
                {
                    errors.Add(FieldError.Invalid(path.Child("maxLimitRequestRatio").Key(key), ratio.ToString(),
                        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ratio {ratio} is greater than max/min = {limit:F6}")));
                }
            }
            if (!ResourceValidation.IsOvercommitAllowed(key) && hasDefault && hasRequest && deflt != request)
            {
                errors.Add(FieldError.Invalid(path.Child("defaultRequest").Key(key), request.ToString(),
                    $"default value {deflt} must equal to defaultRequest value {request} in {key}"));
            }
        }
        return errors;
    }

    private static List<FieldError> LimitNames(LimitRangeItem item, Dictionary<string, Quantity>? list, FieldPath path) =>
        Sorted(list).SelectMany(kv => item.Type is "Pod" or "Container"
            ? ResourceValidation.ValidateContainerResourceName(kv.Key, path.Key(kv.Key))
            : ResourceValidation.ValidateResourceName(kv.Key, path.Key(kv.Key))).ToList();

    private static List<FieldError> QuotaList(Dictionary<string, Quantity>? list, FieldPath path)
    {
        var errors = new List<FieldError>();
        foreach (var (name, value) in Sorted(list))
        {
            errors.AddRange(ResourceValidation.ValidateQuotaResourceName(name, path.Key(name)));
            errors.AddRange(ResourceValidation.ValidateQuantityValue(name, value, path.Key(name)));
        }
        return errors;
    }

    private static List<FieldError> ValidateEndpointAddress(EndpointAddress address, FieldPath path)
    {
        var errors = NetRules.ValidIp(address.Ip, path.Child("ip"));
        if (errors.Count == 0)
        {
            errors.AddRange(NetRules.NonSpecialIp(address.Ip, path.Child("ip")));
        }
        if (!string.IsNullOrEmpty(address.Hostname))
        {
            errors.AddRange(NameRules.DNS1123Label(address.Hostname).Select(m => FieldError.Invalid(path.Child("hostname"), address.Hostname, m)));
        }
        if (!string.IsNullOrEmpty(address.NodeName))
        {
            errors.AddRange(MetadataValidation.DnsSubdomain(address.NodeName, false).Select(m => FieldError.Invalid(path.Child("nodeName"), address.NodeName, m)));
        }
        return errors;
    }

    private static List<FieldError> JsonKey(Dictionary<string, byte[]> data, string key, FieldPath dataPath)
    {
        if (!data.TryGetValue(key, out var bytes))
        {
            return [FieldError.Required(dataPath.Key(key))];
        }
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? []
                : [FieldError.Invalid(dataPath.Key(key), "<secret contents redacted>", "json: cannot unmarshal into Go value of type map[string]interface {}")];
        }
        catch (JsonException e)
        {
            return [FieldError.Invalid(dataPath.Key(key), "<secret contents redacted>", e.Message)];
        }
    }

    private static IEnumerable<KeyValuePair<string, T>> Sorted<T>(Dictionary<string, T>? map) =>
        (map ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal);
}
