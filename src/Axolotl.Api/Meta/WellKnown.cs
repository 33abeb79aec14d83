namespace Axolotl.Api.Meta;

/// <summary>
/// Well-known label, annotation and taint keys that more than one component reads or writes, named as
/// upstream's constants are (k8s.io/api/core/v1 well_known_labels.go and well_known_taints.go,
/// discovery/v1 LabelServiceName). Each key is spelled once, here.
/// </summary>
public static class WellKnown
{
    public const string LabelHostname = "kubernetes.io/hostname";
    public const string LabelOS = "kubernetes.io/os";
    public const string LabelArch = "kubernetes.io/arch";
    public const string LabelTopologyZone = "topology.kubernetes.io/zone";

    /// <summary>Every Namespace carries its own name under this label.</summary>
    public const string LabelMetadataName = "kubernetes.io/metadata.name";

    /// <summary>The Service an EndpointSlice belongs to.</summary>
    public const string LabelServiceName = "kubernetes.io/service-name";

    /// <summary>Marks a mirror pod (the API copy of a static pod).</summary>
    public const string AnnotationMirrorPod = "kubernetes.io/config.mirror";

    /// <summary>The ServiceAccount a service-account-token Secret belongs to.</summary>
    public const string AnnotationServiceAccountName = "kubernetes.io/service-account.name";

    public const string TaintNodeNotReady = "node.kubernetes.io/not-ready";
    public const string TaintNodeUnreachable = "node.kubernetes.io/unreachable";
    public const string TaintNodeUnschedulable = "node.kubernetes.io/unschedulable";
    public const string TaintNodeMemoryPressure = "node.kubernetes.io/memory-pressure";
    public const string TaintNodeDiskPressure = "node.kubernetes.io/disk-pressure";
    public const string TaintNodePIDPressure = "node.kubernetes.io/pid-pressure";
    public const string TaintNodeNetworkUnavailable = "node.kubernetes.io/network-unavailable";
}
