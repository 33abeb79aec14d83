using Axolotl.Api.Core;

namespace Axolotl.Controllers.Endpoints;

/// <summary>
/// The rules both endpoint controllers share about which pods back a Service and how (upstream's
/// endpointslice util and podutil): which pods count, readiness, named target ports, hostnames.
/// </summary>
public static class PodEndpointRules
{
    /// <summary>The label upstream puts on the Endpoints and EndpointSlices of a headless Service.</summary>
    public const string HeadlessLabel = "service.kubernetes.io/headless";

    /// <summary>Annotation with the time of the change (pod readiness, Service creation) behind the last write.</summary>
    public const string LastChangeTriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";

    /// <summary>
    /// Whether the Service's selector chooses pods at all: Services without one (or with an empty one,
    /// which the API stores as absent) keep hand-written endpoints, and ExternalName Services get none.
    /// </summary>
    public static bool ManagesEndpoints(Service service) =>
        service.Spec is { } spec && spec.Type != "ExternalName" && spec.Selector is { Count: > 0 };

    /// <summary>True when the Service has no cluster IP (headless or not yet allocated).</summary>
    public static bool IsHeadless(Service service) =>
        service.Spec?.ClusterIP is null or "" or "None";

    /// <summary>The Service's selector matches the pod's labels (an equality selector, as Services use).</summary>
    public static bool Selects(Service service, Pod pod) =>
        ManagesEndpoints(service) && service.Metadata.Namespace == pod.Metadata.Namespace &&
        service.Spec!.Selector!.All(p => pod.Metadata.Labels is { } labels && labels.TryGetValue(p.Key, out var v) && v == p.Value);

    /// <summary>
    /// Upstream ShouldPodBeInEndpoints: not finished (Succeeded/Failed), has an IP, and when
    /// <paramref name="includeTerminating"/> is false not being deleted.
    /// </summary>
    public static bool ShouldPodBeInEndpoints(Pod pod, bool includeTerminating)
    {
        if (pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return false;
        }
        if (PodIp(pod) is null)
        {
            return false;
        }
        return includeTerminating || pod.Metadata.DeletionTimestamp is null;
    }

    /// <summary>The pod's IPv4 address (Axolotl is single-stack IPv4), or null when it has none yet.</summary>
    public static string? PodIp(Pod pod)
    {
        var status = pod.Status;
        if (status is null)
        {
            return null;
        }
        if (!string.IsNullOrEmpty(status.PodIP) && !status.PodIP.Contains(':', StringComparison.Ordinal))
        {
            return status.PodIP;
        }
        return status.PodIPs?.Select(p => p.Ip).FirstOrDefault(ip => ip.Length > 0 && !ip.Contains(':', StringComparison.Ordinal));
    }

    /// <summary>The pod's Ready condition is True.</summary>
    public static bool IsPodReady(Pod pod) =>
        pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True";

    /// <summary>The Ready condition's last transition: what upstream's trigger-time tracker reads from a pod.</summary>
    public static DateTimeOffset? ReadyTransitionTime(Pod pod) =>
        pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastTransitionTime;

    /// <summary>
    /// Upstream FindPort: a numeric targetPort as is; a named one is looked up in the containers' ports
    /// (and in restartable init containers, the sidecars) with the same protocol. Null when the pod
    /// does not define the name, which leaves the pod out for that port.
    /// </summary>
    public static int? FindPort(Pod pod, ServicePort servicePort)
    {
        var target = servicePort.TargetPort ?? IntOrString.FromInt(servicePort.Port);
        if (target.IsInt)
        {
            return target.IntValue == 0 ? servicePort.Port : target.IntValue;
        }
        var name = target.StringValue;
        var protocol = servicePort.Protocol ?? "TCP";
        var spec = pod.Spec;
        if (spec is null)
        {
            return null;
        }
        var sidecars = spec.InitContainers?.Where(c => c.RestartPolicy == "Always") ?? [];
        foreach (var container in spec.Containers.Concat(sidecars))
        {
            foreach (var port in container.Ports ?? [])
            {
                if (port.Name == name && (port.Protocol ?? "TCP") == protocol)
                {
                    return port.ContainerPortNumber;
                }
            }
        }
        return null;
    }

    /// <summary>Upstream ShouldSetHostname: the pod names a hostname and its subdomain is this Service.</summary>
    public static bool ShouldSetHostname(Pod pod, Service service) =>
        !string.IsNullOrEmpty(pod.Spec?.Hostname) && pod.Spec.Subdomain == service.Metadata.Name &&
        pod.Metadata.Namespace == service.Metadata.Namespace;

    /// <summary>A reference to the pod as both endpoint kinds carry it.</summary>
    public static ObjectReference PodReference(Pod pod) => new()
    {
        Kind = "Pod",
        Namespace = pod.Metadata.Namespace,
        Name = pod.Metadata.Name,
        Uid = pod.Metadata.Uid,
    };

    /// <summary>
    /// Whether a pod update can change any Service's endpoints: upstream podEndpointsChanged compares
    /// readiness, IPs, hostname/subdomain, node, deletion and labels, and ignores everything else.
    /// </summary>
    public static bool EndpointsRelevantChange(Pod before, Pod after) =>
        IsPodReady(before) != IsPodReady(after) ||
        ReadyTransitionTime(before) != ReadyTransitionTime(after) ||
        PodIp(before) != PodIp(after) ||
        before.Status?.Phase != after.Status?.Phase ||
        (before.Metadata.DeletionTimestamp is null) != (after.Metadata.DeletionTimestamp is null) ||
        before.Spec?.Hostname != after.Spec?.Hostname ||
        before.Spec?.Subdomain != after.Spec?.Subdomain ||
        before.Spec?.NodeName != after.Spec?.NodeName ||
        !LabelsEqual(before.Metadata.Labels, after.Metadata.Labels) ||
        before.Metadata.Uid != after.Metadata.Uid;

    public static bool LabelsEqual(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        var left = a ?? new Dictionary<string, string>();
        var right = b ?? new Dictionary<string, string>();
        return left.Count == right.Count && left.All(p => right.TryGetValue(p.Key, out var v) && v == p.Value);
    }
}
