using Axolotl.Api.Apps;
using Axolotl.Api.Certificates;
using Axolotl.Api.Coordination;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Api.Policy;

namespace Axolotl.Api.Validation;

/// <summary>
/// Validates an object of any served kind on create (old is null) or update, with upstream's rules
/// and messages. Run ObjectDefaulter.Apply first, as upstream does: several checks expect
/// defaulted fields (restartPolicy, imagePullPolicy, probe thresholds, service type, …).
/// </summary>
public static class ObjectValidator
{
    public static IReadOnlyList<FieldError> Validate(KubeObject obj, KubeObject? old)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (old is not null && old.GetType() != obj.GetType())
        {
            throw new ArgumentException($"cannot compare a {obj.GetType().Name} with a {old.GetType().Name}", nameof(old));
        }
        return obj switch
        {
            Pod pod => old is null ? PodValidation.ValidateCreate(pod) : PodValidation.ValidateUpdate(pod, (Pod)old),
            Service service => ServiceValidation.Validate(service, old as Service),
            Deployment deployment => WorkloadValidation.ValidateDeployment(deployment, old as Deployment),
            ReplicaSet replicaSet => WorkloadValidation.ValidateReplicaSet(replicaSet, old as ReplicaSet),
            DaemonSet daemonSet => WorkloadValidation.ValidateDaemonSet(daemonSet, old as DaemonSet),
            StatefulSet statefulSet => StatefulSetValidation.Validate(statefulSet, old as StatefulSet),
            ReplicationController controller => WorkloadValidation.ValidateReplicationController(controller, old as ReplicationController),
            Batch.Job job => BatchValidation.ValidateJob(job, old as Batch.Job),
            Batch.CronJob cronJob => BatchValidation.ValidateCronJob(cronJob, old as Batch.CronJob),
            ControllerRevision revision => WorkloadValidation.ValidateControllerRevision(revision, old as ControllerRevision),
            Namespace ns => CoreKindsValidation.ValidateNamespace(ns, old as Namespace),
            ConfigMap configMap => CoreKindsValidation.ValidateConfigMap(configMap, old as ConfigMap),
            Secret secret => CoreKindsValidation.ValidateSecret(secret, old as Secret),
            ServiceAccount account => CoreKindsValidation.ValidateServiceAccount(account, old as ServiceAccount),
            Node node => CoreKindsValidation.ValidateNode(node, old as Node),
            Endpoints endpoints => CoreKindsValidation.ValidateEndpoints(endpoints, old as Endpoints),
            ResourceQuota quota => CoreKindsValidation.ValidateResourceQuota(quota, old as ResourceQuota),
            LimitRange limitRange => CoreKindsValidation.ValidateLimitRange(limitRange, old as LimitRange),
            PersistentVolumeClaim claim => StorageValidation.ValidateClaim(claim, old as PersistentVolumeClaim),
            PersistentVolume volume => StorageValidation.ValidateVolume(volume, old as PersistentVolume),
            Storage.StorageClass storageClass => StorageValidation.ValidateStorageClass(storageClass, old as Storage.StorageClass),
            Core.Event ev => OtherKindsValidation.ValidateCoreEvent(ev),
            Events.Event ev => OtherKindsValidation.ValidateEventsEvent(ev, old as Events.Event),
            EndpointSlice slice => OtherKindsValidation.ValidateEndpointSlice(slice, old as EndpointSlice),
            Lease lease => OtherKindsValidation.ValidateLease(lease, old as Lease),
            Networking.Ingress ingress => NetworkingValidation.ValidateIngress(ingress, old as Networking.Ingress),
            Networking.NetworkPolicy policy => NetworkPolicyValidation.Validate(policy, old as Networking.NetworkPolicy),
            Networking.IngressClass ingressClass => NetworkingValidation.ValidateIngressClass(ingressClass, old as Networking.IngressClass),
            Scheduling.PriorityClass priorityClass => SchedulingValidation.ValidatePriorityClass(priorityClass, old as Scheduling.PriorityClass),
            PodDisruptionBudget budget => OtherKindsValidation.ValidatePodDisruptionBudget(budget, old as PodDisruptionBudget),
            Autoscaling.HorizontalPodAutoscaler hpa => AutoscalingValidation.Validate(hpa, old as Autoscaling.HorizontalPodAutoscaler),
            Autoscaling.V1.HorizontalPodAutoscaler hpa => AutoscalingValidation.ValidateV1(hpa, old as Autoscaling.V1.HorizontalPodAutoscaler),
            CertificateSigningRequest csr => CertificatesValidation.Validate(csr, old as CertificateSigningRequest),
            FlowControl.FlowSchema schema => FlowControlValidation.ValidateFlowSchema(schema, old as FlowControl.FlowSchema),
            FlowControl.PriorityLevelConfiguration level => FlowControlValidation.ValidatePriorityLevel(level, old as FlowControl.PriorityLevelConfiguration),
            Binding binding => OtherKindsValidation.ValidateBinding(binding),
            Rbac.Role role => RbacValidation.ValidateRole(role, old as Rbac.Role),
            Rbac.ClusterRole role => RbacValidation.ValidateClusterRole(role, old as Rbac.ClusterRole),
            Rbac.RoleBinding binding => RbacValidation.ValidateRoleBinding(binding, old as Rbac.RoleBinding),
            Rbac.ClusterRoleBinding binding => RbacValidation.ValidateClusterRoleBinding(binding, old as Rbac.ClusterRoleBinding),
            AdmissionRegistration.MutatingWebhookConfiguration configuration => WebhookConfigurationValidation.Validate(configuration, configuration.Webhooks, old),
            AdmissionRegistration.ValidatingWebhookConfiguration configuration => WebhookConfigurationValidation.Validate(configuration, configuration.Webhooks, old),
            AdmissionRegistration.ValidatingAdmissionPolicy policy => ValidatingAdmissionPolicyValidation.ValidatePolicy(policy, old),
            AdmissionRegistration.ValidatingAdmissionPolicyBinding binding => ValidatingAdmissionPolicyValidation.ValidateBinding(binding, old),
            ApiRegistration.APIService apiService => ApiRegistrationValidation.Validate(apiService, old as ApiRegistration.APIService),
            _ => [],
        };
    }

    /// <summary>
    /// Validates a write through the status subresource: metadata rules plus the status counters
    /// upstream checks (non-negative, none above status.replicas). The spec is not looked at.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateStatusUpdate(KubeObject obj, KubeObject old)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(old);
        var errors = MetadataValidation.ValidateObjectMetaUpdate(obj.Metadata, old.Metadata, FieldPath.Of("metadata"));
        switch (obj)
        {
            case Deployment { Status: { } s }:
                errors.AddRange(WorkloadValidation.ValidateReplicaCounts(s.ObservedGeneration, s.Replicas ?? 0, s.UpdatedReplicas, s.ReadyReplicas, s.AvailableReplicas, s.UnavailableReplicas, null));
                errors.AddRange(MetadataValidation.NonNegative(s.CollisionCount, FieldPath.Of("status", "collisionCount")));
                break;
            case ReplicaSet { Status: { } s }:
                errors.AddRange(WorkloadValidation.ValidateReplicaCounts(s.ObservedGeneration, s.Replicas, null, s.ReadyReplicas, s.AvailableReplicas, null, s.FullyLabeledReplicas));
                break;
            case ReplicationController { Status: { } s }:
                errors.AddRange(WorkloadValidation.ValidateReplicaCounts(s.ObservedGeneration, s.Replicas, null, s.ReadyReplicas, s.AvailableReplicas, null, s.FullyLabeledReplicas));
                break;
            case DaemonSet { Status: { } s }:
                var path = FieldPath.Of("status");
                errors.AddRange(MetadataValidation.NonNegative(s.CurrentNumberScheduled, path.Child("currentNumberScheduled")));
                errors.AddRange(MetadataValidation.NonNegative(s.NumberMisscheduled, path.Child("numberMisscheduled")));
                errors.AddRange(MetadataValidation.NonNegative(s.DesiredNumberScheduled, path.Child("desiredNumberScheduled")));
                errors.AddRange(MetadataValidation.NonNegative(s.NumberReady, path.Child("numberReady")));
                errors.AddRange(MetadataValidation.NonNegative(s.ObservedGeneration, path.Child("observedGeneration")));
                errors.AddRange(MetadataValidation.NonNegative(s.UpdatedNumberScheduled, path.Child("updatedNumberScheduled")));
                errors.AddRange(MetadataValidation.NonNegative(s.NumberAvailable, path.Child("numberAvailable")));
                errors.AddRange(MetadataValidation.NonNegative(s.NumberUnavailable, path.Child("numberUnavailable")));
                break;
            case StatefulSet { Status: { } s }:
                errors.AddRange(StatefulSetValidation.ValidateStatus(s, ((StatefulSet)old).Status));
                break;
            case Batch.Job { Status: { } jobStatus }:
                errors.AddRange(BatchValidation.ValidateJobStatus(jobStatus));
                break;
            case Autoscaling.HorizontalPodAutoscaler hpa:
                errors.AddRange(AutoscalingValidation.ValidateStatus(hpa));
                break;
            case Autoscaling.V1.HorizontalPodAutoscaler { Status: { } v1 }:
                errors.AddRange(MetadataValidation.NonNegative(v1.CurrentReplicas, FieldPath.Of("status", "currentReplicas")));
                errors.AddRange(MetadataValidation.NonNegative(v1.DesiredReplicas, FieldPath.Of("status", "desiredReplicas")));
                break;
            case Pod pod:
                if ((pod.Spec?.NodeName ?? "") != (((Pod)old).Spec?.NodeName ?? ""))
                {
                    errors.Add(FieldError.Forbidden(FieldPath.Of("status", "nodeName"), "may not be changed directly"));
                }
                break;
        }
        return errors;
    }
}
