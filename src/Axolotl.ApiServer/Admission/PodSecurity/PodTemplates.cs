using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// The pod-spec-carrying workload kinds Axolotl serves (upstream's list also has PodTemplate;
/// add it here when Axolotl serves it). Their templates are only
/// warned and audited about: the pods they make are what enforcement judges.
/// </summary>
public static class PodTemplates
{
    public static bool HasPodSpec(ResourceType type) =>
        type == KnownResources.Deployments || type == KnownResources.ReplicaSets || type == KnownResources.DaemonSets || type == KnownResources.StatefulSets ||
        type == KnownResources.ReplicationControllers || type == KnownResources.Jobs || type == KnownResources.CronJobs;

    /// <summary>The template's metadata and spec, or null when the object has none (a ReplicationController may omit it).</summary>
    public static (ObjectMeta Meta, PodSpec Spec)? Extract(KubeObject obj) => obj switch
    {
        Pod pod => (pod.Metadata, pod.Spec ?? new PodSpec()),
        Deployment d => FromTemplate(d.Spec?.Template),
        ReplicaSet rs => FromTemplate(rs.Spec?.Template),
        DaemonSet ds => FromTemplate(ds.Spec?.Template),
        StatefulSet sts => FromTemplate(sts.Spec?.Template),
        ReplicationController rc => FromTemplate(rc.Spec?.Template),
        Axolotl.Api.Batch.Job job => FromTemplate(job.Spec?.Template),
        Axolotl.Api.Batch.CronJob cronJob => FromTemplate(cronJob.Spec?.JobTemplate.Spec.Template),
        _ => null,
    };

    private static (ObjectMeta, PodSpec)? FromTemplate(PodTemplateSpec? template) => template is null ? null : (template.Metadata, template.Spec);
}
