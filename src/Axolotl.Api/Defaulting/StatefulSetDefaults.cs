using Axolotl.Api.Apps;

namespace Axolotl.Api.Defaulting;

/// <summary>apps/v1 StatefulSet defaults (upstream SetDefaults_StatefulSet) plus the pod template defaults.</summary>
public static class StatefulSetDefaults
{
    public static void Apply(StatefulSet statefulSet)
    {
        var spec = statefulSet.Spec ??= new StatefulSetSpec();
        if (string.IsNullOrEmpty(spec.PodManagementPolicy))
        {
            spec.PodManagementPolicy = "OrderedReady";
        }
        var strategy = spec.UpdateStrategy ??= new StatefulSetUpdateStrategy();
        if (string.IsNullOrEmpty(strategy.Type))
        {
            strategy.Type = "RollingUpdate";
            strategy.RollingUpdate ??= new RollingUpdateStatefulSetStrategy();
        }
        if (strategy is { Type: "RollingUpdate", RollingUpdate: { } rolling })
        {
            rolling.Partition ??= 0;
            // maxUnavailable is beta behind MaxUnavailableStatefulSet, off by default in 1.32: upstream's
            // strategy drops the field (dropStatefulSetDisabledFields) and the controller updates one pod
            // at a time. Nothing can have stored it, so dropping it on every write is the same rule.
            rolling.MaxUnavailable = null;
        }
        var retention = spec.PersistentVolumeClaimRetentionPolicy ??= new StatefulSetPersistentVolumeClaimRetentionPolicy();
        if (string.IsNullOrEmpty(retention.WhenDeleted))
        {
            retention.WhenDeleted = "Retain";
        }
        if (string.IsNullOrEmpty(retention.WhenScaled))
        {
            retention.WhenScaled = "Retain";
        }
        spec.Replicas ??= 1;
        spec.RevisionHistoryLimit ??= 10;
        PodDefaults.ApplyTemplate(spec.Template);
        foreach (var claim in spec.VolumeClaimTemplates ?? [])
        {
            // Upstream's generated defaulter runs the claim defaults on each template (volumeMode, status.phase).
            claim.ApiVersion = string.IsNullOrEmpty(claim.ApiVersion) ? "v1" : claim.ApiVersion;
            claim.Kind = string.IsNullOrEmpty(claim.Kind) ? "PersistentVolumeClaim" : claim.Kind;
            StorageDefaults.ApplyPersistentVolumeClaim(claim);
        }
    }
}
