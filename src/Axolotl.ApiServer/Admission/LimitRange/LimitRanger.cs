using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using KubeLimitRange = Axolotl.Api.Core.LimitRange;

namespace Axolotl.ApiServer.Admission.LimitRange;

/// <summary>
/// Upstream's LimitRanger admission for pod creates. Mutating: containers that leave out a request or
/// limit get the namespace's Container defaults (defaultRequest, default), noted in the
/// kubernetes.io/limit-ranger annotation. Validating: each container, and the pod as a whole, must
/// respect min, max and maxLimitRequestRatio; the first LimitRange broken refuses the pod with 403.
/// Pod updates are left alone, as upstream does: their containers' resources cannot change. The ranges
/// come from the admission mirror (<see cref="Registry.Mirrors.StoreMirror"/>), shared: read, never changed.
/// </summary>
public sealed class LimitRanger(ObjectStore objects) : IMutatingAdmissionPlugin, IValidatingAdmissionPlugin
{
    public const string Annotation = "kubernetes.io/limit-ranger";

    public string Name => "LimitRanger";

    public bool Handles(AdmissionAttributes attributes) => Applies(attributes) && attributes.Type == KnownResources.Pods;

    public async Task AdmitAsync(AdmissionAttributes attributes, KubeObject obj, CancellationToken ct)
    {
        if (Applies(attributes) && obj is Pod pod && await RangesAsync(attributes, ct) is { Count: > 0 } ranges)
        {
            ApplyDefaults(pod, ranges);
        }
    }

    public async Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct)
    {
        if (Applies(attributes))
        {
            Validate(attributes.Type, attributes.Object!, await RangesAsync(attributes, ct));
        }
    }

    private static bool Applies(AdmissionAttributes attributes) => attributes.Operation == AdmissionOperation.Create && attributes.Subresource is null;

    /// <summary>Read once per request: the validating phase judges the pod by the ranges that defaulted it.</summary>
    private Task<IReadOnlyList<KubeLimitRange>> RangesAsync(AdmissionAttributes attributes, CancellationToken ct) =>
        attributes.StateAsync(this, () => ForCreateAsync(attributes.Type, attributes.Namespace, ct));

    /// <summary>The LimitRanges that apply to creating a <paramref name="type"/> in <paramref name="ns"/>: none unless it is a pod.</summary>
    public async Task<IReadOnlyList<KubeLimitRange>> ForCreateAsync(ResourceType type, string? ns, CancellationToken ct)
    {
        if (type != KnownResources.Pods || ns is null)
        {
            return [];
        }
        // The admission mirror (upstream's lister) holds what this server wrote at once; the store until it has listed.
        if (objects.Mirrors.For(KnownResources.LimitRanges)?.List(ns) is { } held)
        {
            // In name order, as the store lists them: the first range a pod breaks is the one named.
            return held.Count == 0 ? [] : [.. held.Cast<KubeLimitRange>().OrderBy(r => r.Metadata.Name, StringComparer.Ordinal)];
        }
        var list = await objects.ListAsync(KnownResources.LimitRanges, ns, 0, null, ct);
        return list.Items.Select(e => JsonSerializer.Deserialize<KubeLimitRange>(e.Value.Span, KubeJson.Options)!).ToList();
    }

    /// <summary>Applies every range's Container defaults to the pod, in order; later ranges fill only what is still missing.</summary>
    public static void ApplyDefaults(Pod pod, IReadOnlyList<KubeLimitRange> ranges)
    {
        foreach (var range in ranges)
        {
            var (requests, limits) = ContainerDefaults(range);
            if (pod.Spec is null || (requests.Count == 0 && limits.Count == 0))
            {
                continue;
            }
            var notes = new List<string>();
            foreach (var container in pod.Spec.Containers)
            {
                Merge(container, requests, limits, "container", notes);
            }
            foreach (var container in pod.Spec.InitContainers ?? [])
            {
                Merge(container, requests, limits, "init container", notes);
            }
            if (notes.Count > 0)
            {
                pod.Metadata.Annotations ??= [];
                pod.Metadata.Annotations[Annotation] = "LimitRanger plugin set: " + string.Join("; ", notes);
            }
        }
    }

    /// <summary>Refuses the admitted pod with upstream's 403 when it breaks a range.</summary>
    public static void Validate(ResourceType type, JsonObject admitted, IReadOnlyList<KubeLimitRange> ranges)
    {
        if (ranges.Count == 0 || KubeJson.FromNode<Pod>(admitted) is not { } pod)
        {
            return;
        }
        foreach (var range in ranges)
        {
            if (Check(pod, range) is { } problem)
            {
                var name = pod.Metadata.Name is { Length: > 0 } n ? n : pod.Metadata.GenerateName ?? "Unknown";
                throw ApiErrors.Forbidden(type, name, $"{type.QualifiedResource} \"{name}\" is forbidden: {problem}");
            }
        }
    }

    /// <summary>Every way the pod breaks the range, as upstream's aggregate error prints them; null when it fits.</summary>
    public static string? Check(Pod pod, KubeLimitRange range)
    {
        var errors = new List<string>();
        var spec = pod.Spec ?? new PodSpec();
        foreach (var item in range.Spec?.Limits ?? [])
        {
            if (item.Type == "Container")
            {
                foreach (var container in spec.Containers.Concat(spec.InitContainers ?? []))
                {
                    CheckItem(item, container.Resources?.Requests ?? [], container.Resources?.Limits ?? [], errors);
                }
            }
            else if (item.Type == "Pod")
            {
                var (requests, limits) = PodTotals(spec);
                CheckItem(item, requests, limits, errors);
            }
        }
        var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count switch
        {
            0 => null,
            1 => distinct[0],
            _ => "[" + string.Join(", ", distinct) + "]",
        };
    }

    private static void CheckItem(LimitRangeItem item, IReadOnlyDictionary<string, Quantity> requests, IReadOnlyDictionary<string, Quantity> limits, List<string> errors)
    {
        foreach (var (resource, value) in Sorted(item.Min))
        {
            Add(errors, LimitRangeConstraints.Min(item.Type, resource, value, requests, limits));
        }
        foreach (var (resource, value) in Sorted(item.Max))
        {
            Add(errors, LimitRangeConstraints.Max(item.Type, resource, value, requests, limits));
        }
        foreach (var (resource, value) in Sorted(item.MaxLimitRequestRatio))
        {
            Add(errors, LimitRangeConstraints.LimitRequestRatio(item.Type, resource, value, requests, limits));
        }
    }

    private static IEnumerable<KeyValuePair<string, Quantity>> Sorted(Dictionary<string, Quantity>? list) =>
        (list ?? []).OrderBy(e => e.Key, StringComparer.Ordinal);

    private static void Add(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    /// <summary>
    /// The pod's totals as the Pod limit type sees them: app containers summed (a resource only when
    /// every container states it; cpu in thousandths, others in whole units), then raised to any
    /// larger init container value.
    /// </summary>
    private static (Dictionary<string, Quantity> Requests, Dictionary<string, Quantity> Limits) PodTotals(PodSpec spec) =>
        (Totals(spec, c => c.Resources?.Requests), Totals(spec, c => c.Resources?.Limits));

    private static Dictionary<string, Quantity> Totals(PodSpec spec, Func<Container, Dictionary<string, Quantity>?> select)
    {
        var lists = spec.Containers.Select(c => select(c) ?? []).ToList();
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var key in lists.SelectMany(l => l.Keys).Distinct(StringComparer.Ordinal))
        {
            if (!lists.All(l => l.ContainsKey(key)))
            {
                continue;
            }
            result[key] = key == "cpu"
                ? Quantity.FromMilli(lists.Sum(l => l[key].MilliValue()))
                : Quantity.FromUnits(lists.Sum(l => l[key].Value()));
        }
        foreach (var init in spec.InitContainers ?? [])
        {
            foreach (var (key, value) in select(init) ?? [])
            {
                if (!result.TryGetValue(key, out var existing) || value > existing)
                {
                    result[key] = value;
                }
            }
        }
        return result;
    }

    private static (Dictionary<string, Quantity> Requests, Dictionary<string, Quantity> Limits) ContainerDefaults(KubeLimitRange range)
    {
        var requests = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        var limits = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var item in range.Spec?.Limits ?? [])
        {
            if (item.Type != "Container")
            {
                continue;
            }
            foreach (var (name, value) in item.DefaultRequest ?? [])
            {
                requests[name] = value;
            }
            foreach (var (name, value) in item.Default ?? [])
            {
                limits[name] = value;
            }
        }
        return (requests, limits);
    }

    private static void Merge(Container container, Dictionary<string, Quantity> requests, Dictionary<string, Quantity> limits, string prefix, List<string> notes)
    {
        container.Resources ??= new ResourceRequirements();
        container.Resources.Limits ??= [];
        container.Resources.Requests ??= [];
        var setLimits = new List<string>();
        var setRequests = new List<string>();
        foreach (var (name, value) in limits)
        {
            if (container.Resources.Limits.TryAdd(name, value))
            {
                setLimits.Add(name);
            }
        }
        foreach (var (name, value) in requests)
        {
            if (container.Resources.Requests.TryAdd(name, value))
            {
                setRequests.Add(name);
            }
        }
        // Empty maps vanish on the wire upstream; keep them unset here too.
        if (container.Resources.Limits.Count == 0)
        {
            container.Resources.Limits = null;
        }
        if (container.Resources.Requests.Count == 0)
        {
            container.Resources.Requests = null;
        }
        if (setRequests.Count > 0)
        {
            setRequests.Sort(StringComparer.Ordinal);
            notes.Add($"{string.Join(", ", setRequests)} request for {prefix} {container.Name}");
        }
        if (setLimits.Count > 0)
        {
            setLimits.Sort(StringComparer.Ordinal);
            notes.Add($"{string.Join(", ", setLimits)} limit for {prefix} {container.Name}");
        }
    }
}
