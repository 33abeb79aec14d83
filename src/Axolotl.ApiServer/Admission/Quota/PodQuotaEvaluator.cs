using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// Pods: "pods" and compute resources for pods that are not finished, "count/pods" for every stored
/// pod. Scopes: Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass and
/// CrossNamespacePodAffinity. A quota on cpu or memory requires every container to state it.
/// </summary>
public sealed class PodQuotaEvaluator : IQuotaEvaluator
{
    private static readonly string ObjectCount = QuotaResourceNames.ObjectCount(KnownResources.Pods);

    private static readonly HashSet<string> Tracked = new(StringComparer.Ordinal)
    {
        ObjectCount,
        QuotaResourceNames.Cpu, QuotaResourceNames.Memory, QuotaResourceNames.EphemeralStorage,
        QuotaResourceNames.RequestsCpu, QuotaResourceNames.RequestsMemory, QuotaResourceNames.RequestsEphemeralStorage,
        QuotaResourceNames.LimitsCpu, QuotaResourceNames.LimitsMemory, QuotaResourceNames.LimitsEphemeralStorage,
        QuotaResourceNames.Pods,
    };

    // Backward compatibility upstream keeps: quota on these forces each container to state them.
    private static readonly HashSet<string> MustBeStated = new(StringComparer.Ordinal)
    {
        QuotaResourceNames.Cpu, QuotaResourceNames.Memory,
        QuotaResourceNames.RequestsCpu, QuotaResourceNames.RequestsMemory,
        QuotaResourceNames.LimitsCpu, QuotaResourceNames.LimitsMemory,
    };

    public static PodQuotaEvaluator Instance { get; } = new();

    public ResourceType Type => KnownResources.Pods;

    public bool ChargesUpdates => false;

    public IReadOnlyList<string> MatchingResources(IEnumerable<string> names) =>
        names.Where(n => Tracked.Contains(n)
            || n.StartsWith(QuotaResourceNames.HugePagesPrefix, StringComparison.Ordinal)
            || n.StartsWith(QuotaResourceNames.RequestsHugePagesPrefix, StringComparison.Ordinal)
            || QuotaResourceNames.IsExtendedRequest(n)).Distinct(StringComparer.Ordinal).ToList();

    public bool MatchesScope(ScopedResourceSelectorRequirement scope, KubeObject obj)
    {
        var pod = (Pod)obj;
        return scope.ScopeName switch
        {
            "Terminating" => IsTerminating(pod),
            "NotTerminating" => !IsTerminating(pod),
            "BestEffort" => PodResources.IsBestEffort(pod),
            "NotBestEffort" => !PodResources.IsBestEffort(pod),
            "PriorityClass" => MatchesPriorityClass(pod.Spec?.PriorityClassName, scope),
            "CrossNamespacePodAffinity" => UsesCrossNamespaceAffinity(pod),
            _ => false,
        };
    }

    public string? Constraints(IReadOnlyCollection<string> required, KubeObject obj)
    {
        var pod = (Pod)obj;
        var needed = required.Where(MustBeStated.Contains).ToHashSet(StringComparer.Ordinal);
        if (needed.Count == 0 || pod.Spec is null)
        {
            return null;
        }
        var missing = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var container in pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []))
        {
            var stated = ComputeUsage(container.Resources?.Requests, container.Resources?.Limits).Keys;
            foreach (var resource in needed.Except(stated))
            {
                if (!missing.TryGetValue(resource, out var names))
                {
                    names = new SortedSet<string>(StringComparer.Ordinal);
                    missing[resource] = names;
                }
                names.Add(container.Name);
            }
        }
        if (missing.Count == 0)
        {
            return null;
        }
        return "must specify " + string.Join("; ", missing.Select(m => $"{m.Key} for: {string.Join(",", m.Value)}"));
    }

    public Dictionary<string, Quantity> Usage(KubeObject obj, DateTimeOffset now)
    {
        var pod = (Pod)obj;
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal) { [ObjectCount] = Quantity.FromUnits(1) };
        if (!Counts(pod, now))
        {
            return result;
        }
        return ResourceLists.Add(result, ComputeUsage(PodResources.Requests(pod), PodResources.Limits(pod)));
    }

    /// <summary>
    /// Whether the pod's compute usage is charged: not once it has finished, nor once it is past its
    /// deletion grace period (a pod stuck terminating on a lost node must not block its replacement).
    /// </summary>
    public static bool Counts(Pod pod, DateTimeOffset now)
    {
        if (pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return false;
        }
        if (pod.Metadata.DeletionTimestamp is { } deleting && pod.Metadata.DeletionGracePeriodSeconds is { } grace)
        {
            return now <= deleting.AddSeconds(grace);
        }
        return true;
    }

    private static Dictionary<string, Quantity> ComputeUsage(Dictionary<string, Quantity>? requests, Dictionary<string, Quantity>? limits)
    {
        requests ??= [];
        limits ??= [];
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal) { [QuotaResourceNames.Pods] = Quantity.FromUnits(1) };
        foreach (var (plain, request, limit) in new[]
        {
            (QuotaResourceNames.Cpu, QuotaResourceNames.RequestsCpu, QuotaResourceNames.LimitsCpu),
            (QuotaResourceNames.Memory, QuotaResourceNames.RequestsMemory, QuotaResourceNames.LimitsMemory),
            (QuotaResourceNames.EphemeralStorage, QuotaResourceNames.RequestsEphemeralStorage, QuotaResourceNames.LimitsEphemeralStorage),
        })
        {
            if (requests.TryGetValue(plain, out var asked))
            {
                result[plain] = asked;
                result[request] = asked;
            }
            if (limits.TryGetValue(plain, out var most))
            {
                result[limit] = most;
            }
        }
        foreach (var (name, value) in requests)
        {
            if (name.StartsWith(QuotaResourceNames.HugePagesPrefix, StringComparison.Ordinal))
            {
                result[name] = value;
                result[QuotaResourceNames.RequestsPrefix + name] = value;
            }
            if (QuotaResourceNames.IsExtended(name))
            {
                result[QuotaResourceNames.RequestsPrefix + name] = value;
            }
        }
        return result;
    }

    private static bool IsTerminating(Pod pod) => pod.Spec?.ActiveDeadlineSeconds is >= 0;

    private static bool MatchesPriorityClass(string? priorityClass, ScopedResourceSelectorRequirement scope)
    {
        var has = !string.IsNullOrEmpty(priorityClass);
        var values = scope.Values ?? [];
        return scope.Operator switch
        {
            "Exists" => has,
            "DoesNotExist" => !has,
            "In" => has && values.Contains(priorityClass!, StringComparer.Ordinal),
            "NotIn" => !has || !values.Contains(priorityClass!, StringComparer.Ordinal),
            _ => false,
        };
    }

    private static bool UsesCrossNamespaceAffinity(Pod pod)
    {
        var affinity = pod.Spec?.Affinity;
        if (affinity is null)
        {
            return false;
        }
        var terms = (affinity.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
            .Concat((affinity.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? []).Select(w => w.PodAffinityTerm))
            .Concat(affinity.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
            .Concat((affinity.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? []).Select(w => w.PodAffinityTerm));
        return terms.Any(t => t is not null && (t.Namespaces is { Count: > 0 } || t.NamespaceSelector is not null));
    }
}
