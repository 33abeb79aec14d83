namespace Axolotl.Controllers.Deployments;

/// <summary>The annotations and labels the Deployment controller reads and writes (upstream deployment_util.go names).</summary>
public static class DeploymentAnnotations
{
    /// <summary>The rollout sequence number, on the Deployment and on each of its ReplicaSets.</summary>
    public const string Revision = "deployment.kubernetes.io/revision";

    /// <summary>Earlier revisions a ReplicaSet served before a rollback made it current again ("1,3").</summary>
    public const string RevisionHistory = "deployment.kubernetes.io/revision-history";

    /// <summary>spec.replicas of the Deployment when it last scaled this ReplicaSet: tells scaling from rolling.</summary>
    public const string DesiredReplicas = "deployment.kubernetes.io/desired-replicas";

    /// <summary>spec.replicas + maxSurge when it last scaled this ReplicaSet: the base of proportional scaling.</summary>
    public const string MaxReplicas = "deployment.kubernetes.io/max-replicas";

    public const string ChangeCause = "kubernetes.io/change-cause";

    public const string LastAppliedConfiguration = "kubectl.kubernetes.io/last-applied-configuration";

    public const string DeprecatedRollbackTo = "deprecated.deployment.rollback.to";

    /// <summary>The label that ties a ReplicaSet (and its pods) to one pod template.</summary>
    public const string PodTemplateHashLabel = "pod-template-hash";

    /// <summary>Axolotl: "true" on a Deployment rolls it back when a rollout exceeds its progress deadline.</summary>
    public const string AutoRollback = "axolotl.io/auto-rollback";

    /// <summary>
    /// Axolotl: a label (not an annotation, so that kubectl rollout undo does not copy it onto the
    /// Deployment) on each ReplicaSet of an auto-rollback Deployment that has completed a rollout.
    /// </summary>
    public const string FullyAvailableLabel = "axolotl.io/fully-available";

    /// <summary>Annotations that are the controller's bookkeeping, never copied between a Deployment and its ReplicaSets.</summary>
    internal static readonly HashSet<string> NotCopied = new(StringComparer.Ordinal)
    {
        LastAppliedConfiguration, Revision, RevisionHistory, DesiredReplicas, MaxReplicas, DeprecatedRollbackTo,
    };
}
