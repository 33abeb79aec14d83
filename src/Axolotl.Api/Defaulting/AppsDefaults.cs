using Axolotl.Api.Apps;
using Axolotl.Api.Core;

namespace Axolotl.Api.Defaulting;

/// <summary>apps/v1 defaults (upstream pkg/apis/apps/v1/defaults.go) plus the pod template defaults.</summary>
public static class AppsDefaults
{
    public static void ApplyDeployment(Deployment deployment)
    {
        var spec = deployment.Spec ??= new DeploymentSpec();
        spec.Replicas ??= 1;
        var strategy = spec.Strategy ??= new DeploymentStrategy();
        if (string.IsNullOrEmpty(strategy.Type))
        {
            strategy.Type = "RollingUpdate";
        }
        if (strategy.Type == "RollingUpdate")
        {
            var rolling = strategy.RollingUpdate ??= new RollingUpdateDeployment();
            rolling.MaxUnavailable ??= IntOrString.FromString("25%");
            rolling.MaxSurge ??= IntOrString.FromString("25%");
        }
        spec.RevisionHistoryLimit ??= 10;
        spec.ProgressDeadlineSeconds ??= 600;
        PodDefaults.ApplyTemplate(spec.Template);
    }

    public static void ApplyReplicaSet(ReplicaSet replicaSet)
    {
        var spec = replicaSet.Spec ??= new ReplicaSetSpec();
        spec.Replicas ??= 1;
        PodDefaults.ApplyTemplate(spec.Template);
    }

    public static void ApplyDaemonSet(DaemonSet daemonSet)
    {
        var spec = daemonSet.Spec ??= new DaemonSetSpec();
        var strategy = spec.UpdateStrategy ??= new DaemonSetUpdateStrategy();
        if (string.IsNullOrEmpty(strategy.Type))
        {
            strategy.Type = "RollingUpdate";
        }
        if (strategy.Type == "RollingUpdate")
        {
            var rolling = strategy.RollingUpdate ??= new RollingUpdateDaemonSet();
            rolling.MaxUnavailable ??= IntOrString.FromInt(1);
            rolling.MaxSurge ??= IntOrString.FromInt(0);
        }
        spec.RevisionHistoryLimit ??= 10;
        PodDefaults.ApplyTemplate(spec.Template);
    }
}
