namespace Axolotl.ApiServer.Protobuf.Schema;

/// <summary>
/// The apiVersion/kind pairs a protobuf body may carry at the top level. Only whole objects are
/// listed, so an envelope naming an inner type (kind: PodSpec) is refused rather than decoded.
/// </summary>
internal static class ServedKinds
{
    private static readonly Dictionary<string, (string Package, string[] Kinds)> ByApiVersion = new(StringComparer.Ordinal)
    {
        ["v1"] = ("core.v1", ["Namespace", "Pod", "Service", "ConfigMap", "Secret", "ServiceAccount", "ResourceQuota",
            "LimitRange", "ReplicationController", "Endpoints", "Event", "Binding", "PodTemplate", "Node", "PersistentVolumeClaim", "PersistentVolume"]),
        ["apps/v1"] = ("apps.v1", ["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "ControllerRevision"]),
        ["batch/v1"] = ("batch.v1", ["Job", "CronJob"]),
        ["authorization.k8s.io/v1"] = ("authorization.v1",
            ["SelfSubjectAccessReview", "SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectRulesReview"]),
        ["authentication.k8s.io/v1"] = ("authentication.v1", ["TokenReview", "SelfSubjectReview", "TokenRequest"]),
        ["rbac.authorization.k8s.io/v1"] = ("rbac.v1", ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]),
        ["policy/v1"] = ("policy.v1", ["PodDisruptionBudget", "Eviction"]),
        // pods/eviction still takes a policy/v1beta1 Eviction, whose wire layout is v1's.
        ["policy/v1beta1"] = ("policy.v1", ["Eviction"]),
        ["certificates.k8s.io/v1"] = ("certificates.v1", ["CertificateSigningRequest"]),
        ["storage.k8s.io/v1"] = ("storage.v1", ["StorageClass"]),
        ["scheduling.k8s.io/v1"] = ("scheduling.v1", ["PriorityClass"]),
        ["networking.k8s.io/v1"] = ("networking.v1", ["Ingress", "IngressClass"]),
        ["flowcontrol.apiserver.k8s.io/v1"] = ("flowcontrol.v1", ["FlowSchema", "PriorityLevelConfiguration"]),
        ["autoscaling/v1"] = ("autoscaling.v1", ["HorizontalPodAutoscaler", "Scale"]),
        ["coordination.k8s.io/v1"] = ("coordination.v1", ["Lease"]),
        ["events.k8s.io/v1"] = ("events.v1", ["Event"]),
        ["meta.k8s.io/v1"] = ("meta.v1", []),
    };

    /// <summary>The message for a top-level object, or null when this decoder has no schema for it.</summary>
    public static MessageSchema? Find(SchemaRegistry registry, string apiVersion, string kind)
    {
        // DeleteOptions is registered into every group version upstream (metav1.AddToGroupVersion), custom
        // resources' included, and a DELETE body names the group of the client that sent it.
        if (kind == "DeleteOptions" && apiVersion.Length > 0)
        {
            return registry.Find("meta.v1.DeleteOptions");
        }
        if (!ByApiVersion.TryGetValue(apiVersion, out var group))
        {
            return null;
        }
        return group.Kinds.Contains(kind, StringComparer.Ordinal) ? registry.Find($"{group.Package}.{kind}") : null;
    }
}
