using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>Quota resource names as upstream spells them.</summary>
public static class QuotaResourceNames
{
    public const string Pods = "pods";
    public const string Cpu = "cpu";
    public const string Memory = "memory";
    public const string EphemeralStorage = "ephemeral-storage";
    public const string RequestsCpu = "requests.cpu";
    public const string RequestsMemory = "requests.memory";
    public const string RequestsEphemeralStorage = "requests.ephemeral-storage";
    public const string LimitsCpu = "limits.cpu";
    public const string LimitsMemory = "limits.memory";
    public const string LimitsEphemeralStorage = "limits.ephemeral-storage";
    public const string Services = "services";
    public const string ServicesNodePorts = "services.nodeports";
    public const string ServicesLoadBalancers = "services.loadbalancers";
    public const string RequestsPrefix = "requests.";
    public const string HugePagesPrefix = "hugepages-";
    public const string RequestsHugePagesPrefix = "requests.hugepages-";

    /// <summary>count/pods, count/deployments.apps: the object count name of a resource.</summary>
    public static string ObjectCount(ResourceType type) =>
        string.IsNullOrEmpty(type.Group) ? $"count/{type.Plural}" : $"count/{type.Plural}.{type.Group}";

    /// <summary>An extended resource (example.com/gpu) may be quota'd only on its requests.</summary>
    public static bool IsExtendedRequest(string name)
    {
        if (!name.StartsWith(RequestsPrefix, StringComparison.Ordinal))
        {
            return false;
        }
        var inner = name[RequestsPrefix.Length..];
        return IsExtended(inner);
    }

    public static bool IsExtended(string name) =>
        name.Contains('/', StringComparison.Ordinal) && !name.Contains("kubernetes.io/", StringComparison.Ordinal)
        && !name.StartsWith(RequestsPrefix, StringComparison.Ordinal);
}
