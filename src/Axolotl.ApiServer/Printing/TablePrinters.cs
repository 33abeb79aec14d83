namespace Axolotl.ApiServer.Printing;

/// <summary>The printer for each (group, kind); anything unlisted gets upstream's default Name/Created At table.</summary>
public static class TablePrinters
{
    private static readonly Dictionary<(string Group, string Kind), ITablePrinter> ByKind = new()
    {
        [("", "Pod")] = new PodPrinter(),
        [("", "Node")] = new NodePrinter(),
        [("", "Namespace")] = new NamespacePrinter(),
        [("", "Service")] = new ServicePrinter(),
        [("", "Endpoints")] = new EndpointsPrinter(),
        [("", "Event")] = new EventPrinter(),
        [("", "ConfigMap")] = new ConfigMapPrinter(),
        [("", "Secret")] = new SecretPrinter(),
        [("", "ServiceAccount")] = new ServiceAccountPrinter(),
        [("", "ResourceQuota")] = new ResourceQuotaPrinter(),
        [("", "ReplicationController")] = new ReplicationControllerPrinter(),
        [("", "PersistentVolumeClaim")] = new PersistentVolumeClaimPrinter(),
        [("", "PersistentVolume")] = new PersistentVolumePrinter(),
        [("storage.k8s.io", "StorageClass")] = new StorageClassPrinter(),
        [("scheduling.k8s.io", "PriorityClass")] = new PriorityClassPrinter(),
        [("apps", "Deployment")] = new DeploymentPrinter(),
        [("apps", "ReplicaSet")] = new ReplicaSetPrinter(),
        [("apps", "DaemonSet")] = new DaemonSetPrinter(),
        [("apps", "StatefulSet")] = new StatefulSetPrinter(),
        [("batch", "Job")] = new JobPrinter(),
        [("batch", "CronJob")] = new CronJobPrinter(),
        [("apps", "ControllerRevision")] = new ControllerRevisionPrinter(),
        [("discovery.k8s.io", "EndpointSlice")] = new EndpointSlicePrinter(),
        [("coordination.k8s.io", "Lease")] = new LeasePrinter(),
        [("networking.k8s.io", "Ingress")] = new IngressPrinter(),
        [("networking.k8s.io", "IngressClass")] = new IngressClassPrinter(),
        [("networking.k8s.io", "NetworkPolicy")] = new NetworkPolicyPrinter(),
        [("policy", "PodDisruptionBudget")] = new PodDisruptionBudgetPrinter(),
        [("events.k8s.io", "Event")] = new EventsV1EventPrinter(),
        [("certificates.k8s.io", "CertificateSigningRequest")] = new CertificateSigningRequestPrinter(),
        [("flowcontrol.apiserver.k8s.io", "FlowSchema")] = new FlowSchemaPrinter(),
        [("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration")] = new PriorityLevelConfigurationPrinter(),
        [("admissionregistration.k8s.io", "MutatingWebhookConfiguration")] = new WebhookConfigurationPrinter(),
        [("admissionregistration.k8s.io", "ValidatingWebhookConfiguration")] = new WebhookConfigurationPrinter(),
        [("admissionregistration.k8s.io", "ValidatingAdmissionPolicy")] = new ValidatingAdmissionPolicyPrinter(),
        [("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding")] = new ValidatingAdmissionPolicyBindingPrinter(),
        [("apiregistration.k8s.io", "APIService")] = new APIServicePrinter(),
        [("autoscaling", "Scale")] = new ScalePrinter(),
        [("autoscaling", "HorizontalPodAutoscaler")] = new HorizontalPodAutoscalerPrinter(),
        [("rbac.authorization.k8s.io", "RoleBinding")] = new RoleBindingPrinter(),
        [("rbac.authorization.k8s.io", "ClusterRoleBinding")] = new RoleBindingPrinter(),
    };

    public static ITablePrinter Default { get; } = new DefaultPrinter();

    public static ITablePrinter For(string group, string kind) => ByKind.GetValueOrDefault((group, kind)) ?? Default;
}
