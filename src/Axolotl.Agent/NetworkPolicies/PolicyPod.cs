namespace Axolotl.Agent.NetworkPolicies;

/// <summary>One container port as named ports resolve against it.</summary>
public sealed record PolicyPort(string? Name, string Protocol, int Port);

/// <summary>
/// What policy compilation needs of a pod: where it lives, its labels, its address and its container
/// ports (named ports resolve against them). Built from Pods, or for the node's cluster DNS (<see cref="ClusterDns"/>).
/// </summary>
public sealed record PolicyPod(string Uid, string Namespace, string Name, IReadOnlyDictionary<string, string> Labels, uint Ip, IReadOnlyList<PolicyPort> Ports)
{
    /// <summary>
    /// A pod's policy view; null for a pod that no policy can see: no IPv4 address yet, host network
    /// (it has the node's address, which policies leave alone), or finished.
    /// </summary>
    public static PolicyPod? From(Api.Core.Pod pod, string? ipOverride = null)
    {
        if (pod.Spec?.HostNetwork == true || pod.Status?.Phase is "Succeeded" or "Failed" ||
            !Ipv4Range.TryParseAddress(ipOverride ?? pod.Status?.PodIP, out var ip))
        {
            return null;
        }
        var ports = (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? [])
            .SelectMany(c => c.Ports ?? [])
            .Select(p => new PolicyPort(p.Name, p.Protocol ?? "TCP", p.ContainerPortNumber))
            .ToList();
        return new PolicyPod(pod.Metadata.Uid ?? "", pod.Metadata.Namespace ?? "default", pod.Metadata.Name ?? "",
            pod.Metadata.Labels ?? new Dictionary<string, string>(), ip, ports);
    }

    /// <summary>
    /// What the enforcer's informer keeps of a pod: what <see cref="From"/> and the informer read (identity,
    /// labels, node, address, phase, container ports). A whole pod with its managedFields is 10–15 kB; the
    /// enforcer watches every pod of the cluster, so the rest is let go as soon as it is read.
    /// </summary>
    public static Api.Core.Pod Slim(Api.Core.Pod pod) => new()
    {
        Metadata = new Api.Meta.ObjectMeta
        {
            Name = pod.Metadata.Name,
            Namespace = pod.Metadata.Namespace,
            Uid = pod.Metadata.Uid,
            ResourceVersion = pod.Metadata.ResourceVersion,
            Labels = pod.Metadata.Labels,
        },
        Spec = pod.Spec is not { } spec ? null : new Api.Core.PodSpec
        {
            NodeName = spec.NodeName,
            HostNetwork = spec.HostNetwork,
            Containers = PortsOnly(spec.Containers) ?? [],
            InitContainers = PortsOnly(spec.InitContainers),
        },
        Status = pod.Status is not { } status ? null : new Api.Core.PodStatus { Phase = status.Phase, PodIP = status.PodIP },
    };

    private static List<Api.Core.Container>? PortsOnly(List<Api.Core.Container>? containers) =>
        containers?.Where(c => c.Ports is { Count: > 0 }).Select(c => new Api.Core.Container { Name = c.Name, Ports = c.Ports }).ToList() is { Count: > 0 } kept
            ? kept
            : null;
}
