using System.Text.Json;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;

namespace Axolotl.Controllers.Endpoints;

/// <summary>
/// Pure computation of a Service's core/v1 Endpoints from its pods, following upstream's endpoints
/// controller: one address per pod with an IP (ready ones in <c>addresses</c>, the others in
/// <c>notReadyAddresses</c>, everything "ready" with publishNotReadyAddresses), terminating pods left
/// out unless publishNotReadyAddresses, named target ports resolved per pod (a pod without the name is
/// left out of that port), then repacked so addresses sharing the same ports form one subset.
/// </summary>
public static class EndpointsBuilder
{
    /// <summary>Upstream's maxCapacity: more addresses than this are truncated and the object annotated.</summary>
    public const int MaxCapacity = 1000;

    public const string OverCapacityAnnotation = "endpoints.kubernetes.io/over-capacity";

    /// <summary>The repacked, sorted subsets for <paramref name="service"/> over the pods its selector matched.</summary>
    public static List<EndpointSubset> Subsets(Service service, IEnumerable<Pod> pods)
    {
        var spec = service.Spec ?? new ServiceSpec();
        var publishNotReady = spec.PublishNotReadyAddresses == true;
        var entries = new List<(EndpointAddress Address, EndpointPort? Port, bool Ready)>();
        foreach (var pod in pods)
        {
            if (!PodEndpointRules.ShouldPodBeInEndpoints(pod, includeTerminating: publishNotReady))
            {
                continue;
            }
            var address = new EndpointAddress
            {
                Ip = PodEndpointRules.PodIp(pod)!,
                NodeName = string.IsNullOrEmpty(pod.Spec?.NodeName) ? null : pod.Spec.NodeName,
                TargetRef = PodEndpointRules.PodReference(pod),
                Hostname = PodEndpointRules.ShouldSetHostname(pod, service) ? pod.Spec!.Hostname : null,
            };
            var ready = publishNotReady || PodEndpointRules.IsPodReady(pod);
            if (spec.Ports is not { Count: > 0 } ports)
            {
                // Only a headless Service may have no ports; its addresses are published without any.
                if (spec.ClusterIP == "None")
                {
                    entries.Add((address, null, ready));
                }
                continue;
            }
            foreach (var servicePort in ports)
            {
                if (PodEndpointRules.FindPort(pod, servicePort) is not { } number)
                {
                    continue;
                }
                entries.Add((address, new EndpointPort
                {
                    Name = string.IsNullOrEmpty(servicePort.Name) ? null : servicePort.Name,
                    Port = number,
                    Protocol = servicePort.Protocol ?? "TCP",
                    AppProtocol = servicePort.AppProtocol,
                }, ready));
            }
        }
        return Repack(entries);
    }

    /// <summary>
    /// Upstream RepackSubsets: for each port the set of addresses offering it (an address ready on any
    /// entry counts as ready), then one subset per distinct address set with all its ports.
    /// </summary>
    private static List<EndpointSubset> Repack(List<(EndpointAddress Address, EndpointPort? Port, bool Ready)> entries)
    {
        var addressesByPort = new Dictionary<PortKey, Dictionary<AddressKey, (EndpointAddress Address, bool Ready)>>();
        var portOrder = new List<PortKey>();
        foreach (var (address, port, ready) in entries)
        {
            var portKey = PortKey.Of(port);
            if (!addressesByPort.TryGetValue(portKey, out var set))
            {
                addressesByPort[portKey] = set = [];
                portOrder.Add(portKey);
            }
            var key = new AddressKey(address.Ip, address.TargetRef?.Uid ?? "");
            set[key] = set.TryGetValue(key, out var existing) ? (existing.Address, existing.Ready || ready) : (address, ready);
        }

        var groups = new Dictionary<string, (List<(EndpointAddress Address, bool Ready)> Addresses, List<PortKey> Ports)>(StringComparer.Ordinal);
        foreach (var portKey in portOrder)
        {
            var addresses = addressesByPort[portKey]
                .OrderBy(p => p.Key.Ip, StringComparer.Ordinal)
                .ThenBy(p => p.Key.Uid, StringComparer.Ordinal)
                .Select(p => p.Value)
                .ToList();
            var signature = string.Join(',', addresses.Select(a => $"{a.Address.Ip}/{a.Address.TargetRef?.Uid}/{a.Ready}"));
            if (!groups.TryGetValue(signature, out var group))
            {
                groups[signature] = group = (addresses, []);
            }
            group.Ports.Add(portKey);
        }

        return groups.Values
            .Select(g => new EndpointSubset
            {
                Addresses = NullIfEmpty(g.Addresses.Where(a => a.Ready).Select(a => a.Address).ToList()),
                NotReadyAddresses = NullIfEmpty(g.Addresses.Where(a => !a.Ready).Select(a => a.Address).ToList()),
                Ports = NullIfEmpty(g.Ports.Where(p => !p.IsSentinel).OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Port)
                    .Select(p => p.ToPort()).ToList()),
            })
            .OrderBy(s => FirstIp(s), StringComparer.Ordinal)
            .ThenBy(s => string.Join(',', s.Ports?.Select(p => $"{p.Name}/{p.Port}") ?? []), StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The Endpoints object to write, or null when <paramref name="current"/> already says the same.
    /// Labels mirror the Service's (plus the headless label); annotations are kept except the two
    /// this controller owns.
    /// </summary>
    public static Api.Core.Endpoints? Desired(Service service, Api.Core.Endpoints? current, List<EndpointSubset> subsets, DateTimeOffset? triggerTime)
    {
        var serviceLabels = service.Metadata.Labels ?? [];
        if (current is not null)
        {
            var currentLabels = (current.Metadata.Labels ?? []).Where(p => p.Key != PodEndpointRules.HeadlessLabel).ToDictionary();
            var overCapacity = subsets.Sum(s => (s.Addresses?.Count ?? 0) + (s.NotReadyAddresses?.Count ?? 0)) > MaxCapacity;
            var capacityAnnotationCorrect = !overCapacity && current.Metadata.Annotations?.ContainsKey(OverCapacityAnnotation) != true;
            if (SubsetsEqual(current.Subsets, subsets) && PodEndpointRules.LabelsEqual(currentLabels, serviceLabels) && capacityAnnotationCorrect)
            {
                return null;
            }
        }

        var annotations = new Dictionary<string, string>(current?.Metadata.Annotations ?? [], StringComparer.Ordinal);
        if (triggerTime is { } t)
        {
            annotations[PodEndpointRules.LastChangeTriggerTimeAnnotation] = FormatTime(t);
        }
        else
        {
            annotations.Remove(PodEndpointRules.LastChangeTriggerTimeAnnotation);
        }
        if (Truncate(subsets))
        {
            annotations[OverCapacityAnnotation] = "truncated";
        }
        else
        {
            annotations.Remove(OverCapacityAnnotation);
        }
        var labels = new Dictionary<string, string>(serviceLabels, StringComparer.Ordinal);
        if (PodEndpointRules.IsHeadless(service))
        {
            labels[PodEndpointRules.HeadlessLabel] = "";
        }
        else
        {
            labels.Remove(PodEndpointRules.HeadlessLabel);
        }

        var result = current is null ? new Api.Core.Endpoints() : Client.ObjectCopy.DeepCopy(current);
        result.ApiVersion = "v1";
        result.Kind = "Endpoints";
        result.Metadata.Name = service.Metadata.Name;
        result.Metadata.Namespace = service.Metadata.Namespace;
        result.Metadata.Labels = labels.Count == 0 ? null : labels;
        result.Metadata.Annotations = annotations.Count == 0 ? null : annotations;
        result.Subsets = subsets.Count == 0 ? null : subsets;
        return result;
    }

    /// <summary>Semantic equality of two subset lists (null and empty are the same).</summary>
    public static bool SubsetsEqual(List<EndpointSubset>? a, List<EndpointSubset>? b) =>
        Canonical(a) == Canonical(b);

    /// <summary>RFC 3339 with nanosecond precision trimmed as Go's time.RFC3339Nano prints it.</summary>
    public static string FormatTime(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        var fraction = utc.ToString("fffffff", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0');
        return utc.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + "Z";
    }

    private static string Canonical(List<EndpointSubset>? subsets) =>
        subsets is null or { Count: 0 } ? "[]" : JsonSerializer.Serialize(subsets, KubeJson.Options);

    private static string FirstIp(EndpointSubset subset) =>
        subset.Addresses?.FirstOrDefault()?.Ip ?? subset.NotReadyAddresses?.FirstOrDefault()?.Ip ?? "";

    private static List<T>? NullIfEmpty<T>(List<T> list) => list.Count == 0 ? null : list;

    /// <summary>
    /// Upstream truncateEndpoints: keeps at most <see cref="MaxCapacity"/> addresses, ready ones first,
    /// spread over the subsets in proportion to their size. True when something was cut.
    /// </summary>
    private static bool Truncate(List<EndpointSubset> subsets)
    {
        var totalReady = subsets.Sum(s => s.Addresses?.Count ?? 0);
        var totalNotReady = subsets.Sum(s => s.NotReadyAddresses?.Count ?? 0);
        if (totalReady + totalNotReady <= MaxCapacity)
        {
            return false;
        }
        var truncateReady = totalReady > MaxCapacity;
        var budget = truncateReady ? MaxCapacity : MaxCapacity - totalReady;
        var total = truncateReady ? totalReady : totalNotReady;
        var left = budget;
        foreach (var subset in subsets)
        {
            var count = truncateReady ? subset.Addresses?.Count ?? 0 : subset.NotReadyAddresses?.Count ?? 0;
            var take = Math.Min(left, (int)Math.Ceiling((double)count / total * budget));
            if (truncateReady)
            {
                subset.Addresses = subset.Addresses?.Take(take).ToList();
                subset.NotReadyAddresses = null;
                left -= subset.Addresses?.Count ?? 0;
            }
            else
            {
                subset.NotReadyAddresses = subset.NotReadyAddresses?.Take(take).ToList();
                left -= subset.NotReadyAddresses?.Count ?? 0;
            }
        }
        return true;
    }

    private readonly record struct AddressKey(string Ip, string Uid);

    private readonly record struct PortKey(string? Name, int Port, string Protocol, string? AppProtocol, bool IsSentinel)
    {
        public static PortKey Of(EndpointPort? port) =>
            port is null ? new PortKey(null, -1, "", null, true) : new PortKey(port.Name, port.Port, port.Protocol ?? "TCP", port.AppProtocol, false);

        public EndpointPort ToPort() => new() { Name = Name, Port = Port, Protocol = Protocol, AppProtocol = AppProtocol };
    }
}
