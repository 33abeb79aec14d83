using Axolotl.Api.Core;
using Axolotl.Api.Resources;

namespace Axolotl.Api.Validation;

/// <summary>Resource names and quantities (upstream validateResourceName, validateResourceRequirements and friends).</summary>
public static class ResourceValidation
{
    private static readonly HashSet<string> StandardContainerResources = ["cpu", "memory", "ephemeral-storage"];

    private static readonly HashSet<string> StandardQuotaResources =
    [
        "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims",
        "services.nodeports", "services.loadbalancers", "requests.cpu", "requests.memory", "requests.storage",
        "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "cpu", "memory", "storage",
        "ephemeral-storage",
    ];

    // Object counts (and pods) can only be whole numbers.
    private static readonly HashSet<string> IntegerResources =
    [
        "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims",
        "services.nodeports", "services.loadbalancers",
    ];

    private static readonly HashSet<string> StandardResources = [.. StandardContainerResources, .. StandardQuotaResources];

    public static bool IsHugePages(string name) => name.StartsWith("hugepages-", StringComparison.Ordinal);

    /// <summary>A resource without a domain, or in a kubernetes.io domain.</summary>
    public static bool IsNative(string name) =>
        !name.Contains('/', StringComparison.Ordinal) || name.Contains("kubernetes.io/", StringComparison.Ordinal);

    public static bool IsExtended(string name) =>
        !IsNative(name) && !name.StartsWith("requests.", StringComparison.Ordinal) && NameRules.QualifiedName("requests." + name).Count == 0;

    /// <summary>Native resources other than huge pages may be requested below their limit.</summary>
    public static bool IsOvercommitAllowed(string name) => IsNative(name) && !IsHugePages(name);

    public static List<FieldError> ValidateResourceName(string name, FieldPath path)
    {
        var errors = NameRules.QualifiedName(name).Select(m => FieldError.Invalid(path, name, m)).ToList();
        if (errors.Count > 0)
        {
            return errors;
        }
        if (!name.Contains('/', StringComparison.Ordinal) && !StandardResources.Contains(name) && !IsHugePages(name) &&
            !name.StartsWith("requests.hugepages-", StringComparison.Ordinal))
        {
            errors.Add(FieldError.Invalid(path, name, "must be a standard resource type or fully qualified"));
        }
        return errors;
    }

    public static List<FieldError> ValidateContainerResourceName(string name, FieldPath path)
    {
        var errors = ValidateResourceName(name, path);
        if (!name.Contains('/', StringComparison.Ordinal))
        {
            if (!StandardContainerResources.Contains(name) && !IsHugePages(name))
            {
                errors.Add(FieldError.Invalid(path, name, "must be a standard resource for containers"));
            }
        }
        else if (!IsNative(name) && !IsExtended(name))
        {
            errors.Add(FieldError.Invalid(path, name, "doesn't follow extended resource name standard"));
        }
        return errors;
    }

    public static List<FieldError> ValidateQuotaResourceName(string name, FieldPath path)
    {
        var errors = ValidateResourceName(name, path);
        if (!name.Contains('/', StringComparison.Ordinal) && !StandardQuotaResources.Contains(name) && !IsHugePages(name) &&
            !name.StartsWith("requests.hugepages-", StringComparison.Ordinal))
        {
            errors.Add(FieldError.Invalid(path, name, "must be a standard resource for quota"));
        }
        return errors;
    }

    public static List<FieldError> ValidateQuantityValue(string resource, Quantity value, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (value.Sign < 0)
        {
            errors.Add(FieldError.Invalid(path, value.ToString(), MetadataValidation.IsNegative));
        }
        var isInteger = IntegerResources.Contains(resource) || resource.StartsWith("count/", StringComparison.Ordinal) || IsExtended(resource);
        if (isInteger && value.MilliValue() % 1000 != 0)
        {
            errors.Add(FieldError.Invalid(path, value.ToString(), "must be an integer"));
        }
        return errors;
    }

    /// <summary>Container (and overhead) requests and limits: names, values, and requests within limits.</summary>
    public static List<FieldError> ValidateRequirements(ResourceRequirements? requirements, ICollection<string> podClaimNames, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (requirements is null)
        {
            return errors;
        }
        var limitsPath = path.Child("limits");
        var requestsPath = path.Child("requests");
        bool limitsCpuOrMemory = false, requestsCpuOrMemory = false, hugePages = false;

        foreach (var (name, quantity) in Sorted(requirements.Limits))
        {
            var itemPath = limitsPath.Key(name);
            errors.AddRange(ValidateContainerResourceName(name, itemPath));
            errors.AddRange(ValidateQuantityValue(name, quantity, itemPath));
            hugePages |= IsHugePages(name);
            limitsCpuOrMemory |= name is "cpu" or "memory";
        }
        foreach (var (name, quantity) in Sorted(requirements.Requests))
        {
            var itemPath = requestsPath.Key(name);
            errors.AddRange(ValidateContainerResourceName(name, itemPath));
            errors.AddRange(ValidateQuantityValue(name, quantity, itemPath));
            if (requirements.Limits is not null && requirements.Limits.TryGetValue(name, out var limit))
            {
                if (quantity != limit && !IsOvercommitAllowed(name))
                {
                    errors.Add(FieldError.Invalid(requestsPath, quantity.ToString(), $"must be equal to {name} limit of {limit}"));
                }
                else if (quantity > limit)
                {
                    errors.Add(FieldError.Invalid(requestsPath, quantity.ToString(), $"must be less than or equal to {name} limit of {limit}"));
                }
            }
            else if (!IsOvercommitAllowed(name))
            {
                errors.Add(FieldError.Required(limitsPath, "Limit must be set for non overcommitable resources"));
            }
            hugePages |= IsHugePages(name);
            requestsCpuOrMemory |= name is "cpu" or "memory";
        }
        if (hugePages && !limitsCpuOrMemory && !requestsCpuOrMemory)
        {
            errors.Add(FieldError.Forbidden(path, "HugePages require cpu or memory"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (requirements.Claims?.Count ?? 0); i++)
        {
            var claim = requirements.Claims![i];
            var claimPath = path.Child("claims").Index(i);
            if (claim.Name.Length == 0)
            {
                errors.Add(FieldError.Required(claimPath));
                continue;
            }
            var key = string.IsNullOrEmpty(claim.Request) ? claim.Name : claim.Name + "/" + claim.Request;
            if (!seen.Add(key))
            {
                errors.Add(FieldError.Duplicate(claimPath, key));
            }
            if (!podClaimNames.Contains(claim.Name))
            {
                var detail = "must be one of the names in pod.spec.resourceClaims" +
                             (podClaimNames.Count == 0 ? " which is empty" : ": " + string.Join(", ", podClaimNames.Order(StringComparer.Ordinal)));
                errors.Add(FieldError.NotFound(claimPath, claim.Name, detail));
            }
        }
        return errors;
    }

    private static IEnumerable<KeyValuePair<string, Quantity>> Sorted(Dictionary<string, Quantity>? list) =>
        (list ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal);
}
