using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Resources;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 PodSpec: the desired state of a pod.</summary>
[Description("The desired state of a pod: its containers, volumes and how and where it runs.")]
public sealed class PodSpec
{
    [Description("Volumes the pod's containers can mount.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge,retainKeys")]
    public List<Volume>? Volumes { get; set; }

    [Description("Containers run one after another to completion before the app containers start; an init container with restartPolicy Always is a sidecar.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<Container>? InitContainers { get; set; }

    [Description("The application containers of the pod. At least one is required.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<Container> Containers { get; set => field = value ?? []; } = [];

    [Description("Debugging containers added to a running pod through the ephemeralcontainers subresource.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<EphemeralContainer>? EphemeralContainers { get; set; }

    [Description("Always, OnFailure or Never: whether containers are restarted after they exit. Defaults to Always.")]
    public string? RestartPolicy { get; set; }

    [Description("Seconds given to the pod to stop after SIGTERM before it is killed. Defaults to 30.")]
    public long? TerminationGracePeriodSeconds { get; set; }

    [Description("Seconds the pod may be active (counted from its start) before the system fails it.")]
    public long? ActiveDeadlineSeconds { get; set; }

    [Description("ClusterFirst, ClusterFirstWithHostNet, Default or None. Defaults to ClusterFirst.")]
    public string? DnsPolicy { get; set; }

    [Description("Labels a node must have for the pod to be scheduled there.")]
    public Dictionary<string, string>? NodeSelector { get; set; }

    [Description("The service account whose identity the pod runs with.")]
    public string? ServiceAccountName { get; set; }

    [Description("Deprecated alias of serviceAccountName.")]
    public string? ServiceAccount { get; set; }

    [Description("Whether a service account token is mounted automatically.")]
    public bool? AutomountServiceAccountToken { get; set; }

    [Description("The node the pod is bound to. Set by the scheduler; setting it directly skips scheduling.")]
    public string? NodeName { get; set; }

    [Description("Use the node's network namespace.")]
    public bool? HostNetwork { get; set; }

    [Description("Use the node's PID namespace.")]
    public bool? HostPID { get; set; }

    [Description("Use the node's IPC namespace.")]
    public bool? HostIPC { get; set; }

    [Description("Share one PID namespace among the pod's containers.")]
    public bool? ShareProcessNamespace { get; set; }

    [Description("Security options for all containers of the pod.")]
    public PodSecurityContext? SecurityContext { get; set; }

    [Description("Secrets used to pull the containers' images.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<LocalObjectReference>? ImagePullSecrets { get; set; }

    [Description("The pod's hostname; defaults to the pod name.")]
    public string? Hostname { get; set; }

    [Description("With hostname, gives the pod the DNS name <hostname>.<subdomain>.<namespace>.svc.")]
    public string? Subdomain { get; set; }

    [Description("Node and pod affinity rules for scheduling.")]
    public Affinity? Affinity { get; set; }

    [Description("The scheduler that places the pod. Defaults to default-scheduler.")]
    public string? SchedulerName { get; set; }

    [Description("Taints the pod tolerates.")]
    public List<Toleration>? Tolerations { get; set; }

    [Description("Extra /etc/hosts entries.")]
    [PatchMergeKey("ip")]
    [PatchStrategy("merge")]
    public List<HostAlias>? HostAliases { get; set; }

    [Description("Name of the PriorityClass that gives the pod its priority.")]
    public string? PriorityClassName { get; set; }

    [Description("The pod's priority, filled in from the priority class; higher runs first and may preempt lower.")]
    public int? Priority { get; set; }

    [Description("Extra DNS settings for the pod's resolv.conf.")]
    public PodDNSConfig? DnsConfig { get; set; }

    [Description("Extra conditions that must be True before the pod counts as Ready.")]
    public List<PodReadinessGate>? ReadinessGates { get; set; }

    [Description("The RuntimeClass to run the pod with.")]
    public string? RuntimeClassName { get; set; }

    [Description("Whether Service environment variables are injected into containers. Defaults to true.")]
    public bool? EnableServiceLinks { get; set; }

    [Description("PreemptLowerPriority or Never. Defaults to PreemptLowerPriority.")]
    public string? PreemptionPolicy { get; set; }

    [Description("Resources used by the pod's sandbox on top of its containers.")]
    public Dictionary<string, Quantity>? Overhead { get; set; }

    [Description("How matching pods must be spread across topology domains such as nodes or zones.")]
    [PatchMergeKey("topologyKey")]
    [PatchStrategy("merge")]
    public List<TopologySpreadConstraint>? TopologySpreadConstraints { get; set; }

    [Description("Use the fully qualified domain name as the pod's hostname.")]
    public bool? SetHostnameAsFQDN { get; set; }

    [Description("The operating system the pod needs.")]
    public PodOS? Os { get; set; }

    [Description("Whether the pod uses the host's user namespace. Defaults to true.")]
    public bool? HostUsers { get; set; }

    [Description("Gates that hold the pod back from scheduling while any is present.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<PodSchedulingGate>? SchedulingGates { get; set; }

    [Description("Dynamic resource claims the pod's containers may use.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge,retainKeys")]
    public List<PodResourceClaim>? ResourceClaims { get; set; }

    [Description("Pod-level resource requests and limits shared by all containers.")]
    public ResourceRequirements? Resources { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>Init containers, then containers, then ephemeral containers: the order upstream visits them.</summary>
    public IEnumerable<Container> AllContainers() =>
        (InitContainers ?? []).Concat(Containers).Concat(EphemeralContainers ?? []);
}
