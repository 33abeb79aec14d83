using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Defaulting;

/// <summary>
/// Applies Kubernetes v1.32 defaults to an object of any served kind, in place. Every rule only
/// fills what is unset, so applying twice changes nothing. Apply runs on every create and update
/// (as upstream's defaulting runs on every decode); PrepareForCreate adds what upstream's registry
/// strategies set only at creation, after mutating admission (so no field manager owns it).
/// </summary>
public static class ObjectDefaulter
{
    public static void Apply(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        switch (obj)
        {
            case Pod pod: PodDefaults.ApplyPod(pod); break;
            case Service service: ServiceDefaults.Apply(service); break;
            case Deployment deployment: AppsDefaults.ApplyDeployment(deployment); break;
            case ReplicaSet replicaSet: AppsDefaults.ApplyReplicaSet(replicaSet); break;
            case DaemonSet daemonSet: AppsDefaults.ApplyDaemonSet(daemonSet); break;
            case StatefulSet statefulSet: StatefulSetDefaults.Apply(statefulSet); break;
            case Batch.Job job: BatchDefaults.ApplyJob(job); break;
            case Batch.CronJob cronJob: BatchDefaults.ApplyCronJob(cronJob); break;
            case ReplicationController controller: CoreDefaults.ApplyReplicationController(controller); break;
            case Namespace ns: CoreDefaults.ApplyNamespace(ns); break;
            case Node node: CoreDefaults.ApplyNode(node); break;
            case Secret secret: CoreDefaults.ApplySecret(secret); break;
            case Endpoints endpoints: CoreDefaults.ApplyEndpoints(endpoints); break;
            case ResourceQuota quota: CoreDefaults.ApplyResourceQuota(quota); break;
            case LimitRange limitRange: CoreDefaults.ApplyLimitRange(limitRange); break;
            case PersistentVolume volume: StorageDefaults.ApplyPersistentVolume(volume); break;
            case PersistentVolumeClaim claim: StorageDefaults.ApplyPersistentVolumeClaim(claim); break;
            case Storage.StorageClass storageClass: StorageDefaults.ApplyStorageClass(storageClass); break;
            case Scheduling.PriorityClass priorityClass:
                priorityClass.PreemptionPolicy ??= Scheduling.SystemPriorityClasses.PreemptLowerPriority;
                // omitempty upstream: a false globalDefault is not kept.
                priorityClass.GlobalDefault = priorityClass.GlobalDefault == true ? true : null;
                break;
            case EndpointSlice slice: CoreDefaults.ApplyEndpointSlice(slice); break;
            case Networking.NetworkPolicy policy: NetworkPolicyDefaults.Apply(policy); break;
            case Autoscaling.HorizontalPodAutoscaler hpa: AutoscalingDefaults.Apply(hpa); break;
            case Autoscaling.V1.HorizontalPodAutoscaler hpa: (hpa.Spec ??= new()).MinReplicas ??= 1; break;
            case FlowControl.FlowSchema schema: FlowControlDefaults.ApplyFlowSchema(schema); break;
            case FlowControl.PriorityLevelConfiguration level: FlowControlDefaults.ApplyPriorityLevel(level); break;
            case Rbac.RoleBinding binding: RbacDefaults.Apply(binding.RoleRef, binding.Subjects); break;
            case Rbac.ClusterRoleBinding binding: RbacDefaults.Apply(binding.RoleRef, binding.Subjects); break;
            case AdmissionRegistration.MutatingWebhookConfiguration configuration: AdmissionRegistrationDefaults.Apply(configuration.Webhooks); break;
            case AdmissionRegistration.ValidatingWebhookConfiguration configuration: AdmissionRegistrationDefaults.Apply(configuration.Webhooks); break;
            case AdmissionRegistration.ValidatingAdmissionPolicy policy: AdmissionRegistrationDefaults.Apply(policy); break;
            case AdmissionRegistration.ValidatingAdmissionPolicyBinding binding: AdmissionRegistrationDefaults.Apply(binding); break;
            case ApiRegistration.APIService apiService: ApiRegistrationDefaults.Apply(apiService); break;
        }
    }

    /// <summary>
    /// Whether <see cref="PrepareForCreate"/> sets anything on <paramref name="obj"/>'s kind; for any other kind the
    /// object leaves it as it came, so what was encoded before it still holds.
    /// </summary>
    public static bool PreparesOnCreate(KubeObject obj) => obj is Namespace or Batch.Job;

    /// <summary>Apply, plus the defaults upstream's strategies set on create only (namespace finalizer and phase, a Job's selector).</summary>
    public static void PrepareForCreate(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        switch (obj)
        {
            case Namespace ns:
                CoreDefaults.PrepareNamespaceForCreate(ns);
                break;
            case Batch.Job job:
                BatchDefaults.GenerateSelector(job);
                break;
        }
    }
}
