using System.Text.Json;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;
using Axolotl.Controllers.Endpoints;
using DiscoveryPort = Axolotl.Api.Discovery.EndpointPort;

namespace Axolotl.Controllers.EndpointSlices;

/// <summary>
/// Pure computation of a Service's discovery.k8s.io/v1 EndpointSlices, following upstream's
/// EndpointSlice reconciler: one endpoint per pod with an IP, terminating pods included
/// (<c>terminating=true</c>, <c>serving</c> by readiness, <c>ready</c> only with publishNotReadyAddresses),
/// pods grouped into slices by the ports they resolve (a pod lacking a named port lands in a slice
/// without it), at most <c>maxEndpointsPerSlice</c> per slice, and minimal churn: endpoints stay in the
/// slice that has them, new ones fill slices being written anyway before new slices are made.
/// </summary>
public static class EndpointSliceBuilder
{
    public const string ControllerName = "endpointslice-controller.k8s.io";
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const int DefaultMaxEndpointsPerSlice = 100;

    /// <summary>Label selector for the slices this controller owns.</summary>
    public static string ManagedSelector => $"{ManagedByLabel}={ControllerName}";

    /// <summary>Upstream podToEndpoint for an IPv4 Service.</summary>
    public static Endpoint PodToEndpoint(Pod pod, Service service)
    {
        var serving = PodEndpointRules.IsPodReady(pod);
        var terminating = pod.Metadata.DeletionTimestamp is not null;
        // For compatibility a terminating endpoint is never "ready" unless the Service publishes not-ready ones.
        var ready = service.Spec?.PublishNotReadyAddresses == true || (serving && !terminating);
        return new Endpoint
        {
            Addresses = [PodEndpointRules.PodIp(pod)!],
            Conditions = new EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating },
            TargetRef = PodEndpointRules.PodReference(pod),
            NodeName = string.IsNullOrEmpty(pod.Spec?.NodeName) ? null : pod.Spec.NodeName,
            Hostname = PodEndpointRules.ShouldSetHostname(pod, service) ? pod.Spec!.Hostname : null,
        };
    }

    /// <summary>Upstream getEndpointPorts: each Service port this pod resolves, named as in the Service.</summary>
    public static List<DiscoveryPort> EndpointPorts(Service service, Pod pod)
    {
        var ports = new List<DiscoveryPort>();
        foreach (var servicePort in service.Spec?.Ports ?? [])
        {
            if (PodEndpointRules.FindPort(pod, servicePort) is { } number)
            {
                ports.Add(new DiscoveryPort
                {
                    Name = servicePort.Name ?? "",
                    Port = number,
                    Protocol = servicePort.Protocol ?? "TCP",
                    AppProtocol = servicePort.AppProtocol,
                });
            }
        }
        return ports;
    }

    /// <summary>Slice labels: the Service's (minus reserved keys), the headless marker, service-name and managed-by.</summary>
    public static Dictionary<string, string> Labels(Service service)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in service.Metadata.Labels ?? [])
        {
            if (key is not (WellKnown.LabelServiceName or ManagedByLabel or PodEndpointRules.HeadlessLabel))
            {
                labels[key] = value;
            }
        }
        if (PodEndpointRules.IsHeadless(service))
        {
            labels[PodEndpointRules.HeadlessLabel] = "";
        }
        labels[WellKnown.LabelServiceName] = service.Metadata.Name ?? "";
        labels[ManagedByLabel] = ControllerName;
        return labels;
    }

    /// <summary>The controller owner reference every slice of the Service carries.</summary>
    public static OwnerReference OwnerReference(Service service) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Name = service.Metadata.Name ?? "",
        Uid = service.Metadata.Uid ?? "",
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>
    /// Compares <paramref name="existing"/> (this controller's slices labelled with the Service's name)
    /// with what <paramref name="pods"/> call for and says what to write.
    /// </summary>
    public static SlicePlan Plan(Service service, IEnumerable<Pod> pods, IReadOnlyList<EndpointSlice> existing,
        DateTimeOffset? triggerTime, int maxEndpointsPerSlice = DefaultMaxEndpointsPerSlice)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEndpointsPerSlice);
        var labels = Labels(service);
        var create = new List<EndpointSlice>();
        var update = new List<EndpointSlice>();
        var delete = new List<EndpointSlice>();

        // Existing state: ours by port set; slices of an older Service with the same name go.
        var existingByPorts = new Dictionary<string, List<EndpointSlice>>(StringComparer.Ordinal);
        var owned = 0;
        foreach (var slice in existing.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal))
        {
            if (slice.AddressType == "IPv4" && OwnedBy(slice, service))
            {
                owned++;
                var key = PortsKey(slice.Ports);
                if (!existingByPorts.TryGetValue(key, out var list))
                {
                    existingByPorts[key] = list = [];
                }
                list.Add(slice);
            }
            else
            {
                delete.Add(slice);
            }
        }

        // Desired state: endpoints by port set, in address order so results are stable.
        var desiredByPorts = new Dictionary<string, (List<DiscoveryPort> Ports, Dictionary<string, Endpoint> Endpoints)>(StringComparer.Ordinal);
        foreach (var pod in pods.OrderBy(p => PodEndpointRules.PodIp(p), StringComparer.Ordinal).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            if (!PodEndpointRules.ShouldPodBeInEndpoints(pod, includeTerminating: true))
            {
                continue;
            }
            var ports = EndpointPorts(service, pod);
            var key = PortsKey(ports);
            if (!desiredByPorts.TryGetValue(key, out var group))
            {
                desiredByPorts[key] = group = (ports, new Dictionary<string, Endpoint>(StringComparer.Ordinal));
            }
            var endpoint = PodToEndpoint(pod, service);
            group.Endpoints.TryAdd(Identity(endpoint), endpoint);
        }

        foreach (var (key, desired) in desiredByPorts)
        {
            ReconcilePortSet(service, labels, existingByPorts.GetValueOrDefault(key) ?? [], desired.Ports, desired.Endpoints,
                maxEndpointsPerSlice, create, update, delete);
        }
        foreach (var (key, slices) in existingByPorts)
        {
            if (!desiredByPorts.ContainsKey(key))
            {
                delete.AddRange(slices);
            }
        }

        // A Service without endpoints still gets one empty slice, so consumers can tell "none" from "not synced".
        if (existing.Count == delete.Count && create.Count == 0)
        {
            var placeholder = NewSlice(service, labels, []);
            if (delete.Count == 1 && IsPlaceholderFor(delete[0], service, labels))
            {
                delete.Clear();
            }
            else
            {
                create.Add(placeholder);
            }
        }

        // Rather than delete one slice and create another, reuse the doomed one's name.
        for (var i = 0; i < delete.Count && create.Count > 0;)
        {
            if (delete[i].AddressType == "IPv4" && OwnedBy(delete[i], service))
            {
                var replacement = create[^1];
                create.RemoveAt(create.Count - 1);
                replacement.Metadata.Name = delete[i].Metadata.Name;
                replacement.Metadata.GenerateName = null;
                replacement.Metadata.ResourceVersion = delete[i].Metadata.ResourceVersion;
                replacement.Metadata.Uid = delete[i].Metadata.Uid;
                update.Add(replacement);
                delete.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        foreach (var slice in create.Concat(update))
        {
            SetTriggerTime(slice, triggerTime);
        }
        if (service.Metadata.DeletionTimestamp is not null)
        {
            // The garbage collector is about to remove the Service's slices; do not race it with new ones.
            create.Clear();
        }
        return new SlicePlan(create, update, delete);
    }

    /// <summary>Upstream reconcileByPortMapping for one port set.</summary>
    private static void ReconcilePortSet(
        Service service,
        Dictionary<string, string> labels,
        List<EndpointSlice> existing,
        List<DiscoveryPort> ports,
        Dictionary<string, Endpoint> desired,
        int max,
        List<EndpointSlice> create,
        List<EndpointSlice> update,
        List<EndpointSlice> delete)
    {
        var remaining = new Dictionary<string, Endpoint>(desired, StringComparer.Ordinal);
        var toUpdate = new List<EndpointSlice>();
        var unchanged = new List<EndpointSlice>();

        // 1. Keep wanted endpoints where they are (refreshed), drop the rest.
        foreach (var slice in existing)
        {
            var kept = new List<Endpoint>();
            var changed = false;
            foreach (var endpoint in slice.Endpoints)
            {
                var id = Identity(endpoint);
                if (remaining.Remove(id, out var wanted))
                {
                    kept.Add(wanted);
                    changed |= !EndpointEqual(wanted, endpoint);
                }
            }
            var labelsChanged = !LabelsEqual(slice.Metadata.Labels, labels);
            if (changed || kept.Count != slice.Endpoints.Count)
            {
                if (kept.Count == 0)
                {
                    delete.Add(slice);
                    continue;
                }
                var copy = Copy(slice);
                copy.Endpoints = kept;
                copy.Metadata.Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);
                toUpdate.Add(copy);
            }
            else if (labelsChanged)
            {
                var copy = Copy(slice);
                copy.Metadata.Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);
                toUpdate.Add(copy);
            }
            else
            {
                unchanged.Add(slice);
            }
        }

        var queue = new Queue<Endpoint>(remaining.Values);

        // 2. Top up slices that are written anyway, fullest first.
        foreach (var slice in toUpdate.OrderByDescending(s => s.Endpoints.Count))
        {
            while (queue.Count > 0 && slice.Endpoints.Count < max)
            {
                slice.Endpoints.Add(queue.Dequeue());
            }
        }

        // 3. Fit the rest into one unchanged slice when possible, else new slices.
        while (queue.Count > 0)
        {
            EndpointSlice? target = null;
            if (queue.Count < max)
            {
                var fit = unchanged.Where(s => s.Endpoints.Count + queue.Count <= max).OrderByDescending(s => s.Endpoints.Count).FirstOrDefault();
                if (fit is not null)
                {
                    unchanged.Remove(fit);
                    target = Copy(fit);
                    toUpdate.Add(target);
                }
            }
            if (target is null)
            {
                target = NewSlice(service, labels, ports);
                create.Add(target);
            }
            while (queue.Count > 0 && target.Endpoints.Count < max)
            {
                target.Endpoints.Add(queue.Dequeue());
            }
        }
        update.AddRange(toUpdate);
    }

    private static EndpointSlice NewSlice(Service service, Dictionary<string, string> labels, List<DiscoveryPort> ports) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new ObjectMeta
        {
            GenerateName = $"{service.Metadata.Name}-",
            Namespace = service.Metadata.Namespace,
            Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
            OwnerReferences = [OwnerReference(service)],
        },
        AddressType = "IPv4",
        Ports = ports.Select(p => new DiscoveryPort { Name = p.Name, Port = p.Port, Protocol = p.Protocol, AppProtocol = p.AppProtocol }).ToList(),
        Endpoints = [],
    };

    private static bool IsPlaceholderFor(EndpointSlice slice, Service service, Dictionary<string, string> labels) =>
        slice.Endpoints.Count == 0 && (slice.Ports?.Count ?? 0) == 0 && slice.AddressType == "IPv4" &&
        OwnedBy(slice, service) && LabelsEqual(slice.Metadata.Labels, labels);

    /// <summary>The slice's controller reference points at this Service (same UID).</summary>
    public static bool OwnedBy(EndpointSlice slice, Service service) =>
        slice.Metadata.OwnerReferences?.Any(r => r.Controller == true && r.Kind == "Service" && r.Uid == service.Metadata.Uid) == true;

    /// <summary>An order-independent key of a port list (upstream NewPortMapKey).</summary>
    public static string PortsKey(IEnumerable<DiscoveryPort>? ports) =>
        string.Join('|', (ports ?? []).Select(p => $"{p.Name}/{p.Protocol}/{p.Port}/{p.AppProtocol}").Order(StringComparer.Ordinal));

    /// <summary>What makes an endpoint "the same one" across syncs: its pod and address.</summary>
    private static string Identity(Endpoint endpoint) =>
        $"{endpoint.TargetRef?.Namespace}/{endpoint.TargetRef?.Name}/{endpoint.TargetRef?.Uid}/{endpoint.Addresses.FirstOrDefault()}";

    private static bool EndpointEqual(Endpoint a, Endpoint b) =>
        JsonSerializer.Serialize(a, KubeJson.Options) == JsonSerializer.Serialize(b, KubeJson.Options);

    private static bool LabelsEqual(Dictionary<string, string>? a, Dictionary<string, string> b) => PodEndpointRules.LabelsEqual(a, b);

    private static EndpointSlice Copy(EndpointSlice slice) => Client.ObjectCopy.DeepCopy(slice);

    private static void SetTriggerTime(EndpointSlice slice, DateTimeOffset? triggerTime)
    {
        var annotations = slice.Metadata.Annotations ?? new Dictionary<string, string>(StringComparer.Ordinal);
        if (triggerTime is { } t)
        {
            annotations[PodEndpointRules.LastChangeTriggerTimeAnnotation] = EndpointsBuilder.FormatTime(t);
        }
        else
        {
            annotations.Remove(PodEndpointRules.LastChangeTriggerTimeAnnotation);
        }
        slice.Metadata.Annotations = annotations.Count == 0 ? null : annotations;
    }
}
