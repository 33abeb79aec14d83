namespace Axolotl.Api.Scheduling;

/// <summary>
/// The priority classes every cluster has (upstream's scheduling/v1 SystemPriorityClasses), created by the
/// API server at start and never deletable, and the bounds upstream sets on the classes users create.
/// </summary>
public static class SystemPriorityClasses
{
    /// <summary>Names with this prefix are reserved for the system classes.</summary>
    public const string Prefix = "system-";

    /// <summary>The highest value a class users create may have.</summary>
    public const int HighestUserDefinablePriority = 1_000_000_000;

    public const int SystemCriticalPriority = 2 * HighestUserDefinablePriority;

    public const string ClusterCritical = "system-cluster-critical";

    public const string NodeCritical = "system-node-critical";

    public const string PreemptLowerPriority = "PreemptLowerPriority";

    public const string PreemptNever = "Never";

    /// <summary>The system classes by name with their values (neither is the global default).</summary>
    public static IReadOnlyDictionary<string, int> Values { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [ClusterCritical] = SystemCriticalPriority,
        [NodeCritical] = SystemCriticalPriority + 1000,
    };

    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ClusterCritical] = "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
        [NodeCritical] = "Used for system critical pods that must not be moved from their current node.",
    };

    public static bool IsSystem(string? name) => name is not null && Values.ContainsKey(name);
}
