using Axolotl.Api.Apiextensions;
using Axolotl.Api.Apps;
using Axolotl.Api.Certificates;
using Axolotl.Api.Coordination;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Policy;
using Axolotl.Api.Rbac;
using Axolotl.Api.Storage;

namespace Axolotl.Api.Scheme;

/// <summary>Every resource Axolotl serves, in discovery order.</summary>
public static class KnownResources
{
    private static readonly string[] StatusVerbs = ["get", "patch", "update"];
    private static readonly string[] ProxyVerbs = ["create", "delete", "get", "patch", "update"];

    private static Subresource StatusOf(string group, string kind) => new("status", group, "v1", kind, StatusVerbs);

    private static Subresource Scale { get; } = new("scale", "autoscaling", "v1", "Scale", StatusVerbs);

    public static ResourceType Namespaces { get; } = Core<Namespace>("namespaces", false, ["ns"],
        verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
        subresources: [StatusOf("", "Namespace"), new("finalize", "", "v1", "Namespace", ["update"])]);

    public static ResourceType Pods { get; } = Core<Pod>("pods", true, ["po"], ["all"], subresources:
    [
        new("attach", "", "v1", "PodAttachOptions", ["create", "get"]),
        new("binding", "", "v1", "Binding", ["create"]),
        new("ephemeralcontainers", "", "v1", "Pod", StatusVerbs),
        new("eviction", "policy", "v1", "Eviction", ["create"]),
        new("exec", "", "v1", "PodExecOptions", ["create", "get"]),
        new("log", "", "v1", "Pod", ["get"]),
        new("portforward", "", "v1", "PodPortForwardOptions", ["create", "get"]),
        new("proxy", "", "v1", "PodProxyOptions", ProxyVerbs),
        StatusOf("", "Pod"),
    ]);

    public static ResourceType Nodes { get; } = Core<Node>("nodes", false, ["no"], subresources: [new("proxy", "", "v1", "NodeProxyOptions", ProxyVerbs), StatusOf("", "Node")]);
    public static ResourceType Services { get; } = Core<Service>("services", true, ["svc"], ["all"], subresources: [new("proxy", "", "v1", "ServiceProxyOptions", ProxyVerbs), StatusOf("", "Service")],
        verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]);
    public static ResourceType Endpoints { get; } = Core<Endpoints>("endpoints", true, ["ep"]);
    public static ResourceType Events { get; } = Core<Event>("events", true, ["ev"]);
    public static ResourceType ConfigMaps { get; } = Core<ConfigMap>("configmaps", true, ["cm"]);
    public static ResourceType Secrets { get; } = Core<Secret>("secrets", true, []);
    public static ResourceType ServiceAccounts { get; } = Core<ServiceAccount>("serviceaccounts", true, ["sa"],
        subresources: [new("token", "authentication.k8s.io", "v1", "TokenRequest", ["create"])]);
    public static ResourceType ResourceQuotas { get; } = Core<ResourceQuota>("resourcequotas", true, ["quota"], subresources: [StatusOf("", "ResourceQuota")]);
    public static ResourceType LimitRanges { get; } = Core<LimitRange>("limitranges", true, ["limits"]);
    public static ResourceType PersistentVolumeClaims { get; } = Core<PersistentVolumeClaim>("persistentvolumeclaims", true, ["pvc"], subresources: [StatusOf("", "PersistentVolumeClaim")]);
    public static ResourceType PersistentVolumes { get; } = Core<PersistentVolume>("persistentvolumes", false, ["pv"], subresources: [StatusOf("", "PersistentVolume")]);
    public static ResourceType ReplicationControllers { get; } = Core<ReplicationController>("replicationcontrollers", true, ["rc"], ["all"],
        subresources: [Scale, StatusOf("", "ReplicationController")]);

    public static ResourceType Deployments { get; } = Of<Deployment>("apps", "deployments", true, ["deploy"], ["all"], [Scale, StatusOf("apps", "Deployment")]);
    public static ResourceType ReplicaSets { get; } = Of<ReplicaSet>("apps", "replicasets", true, ["rs"], ["all"], [Scale, StatusOf("apps", "ReplicaSet")]);
    public static ResourceType DaemonSets { get; } = Of<DaemonSet>("apps", "daemonsets", true, ["ds"], ["all"], [StatusOf("apps", "DaemonSet")]);
    public static ResourceType StatefulSets { get; } = Of<StatefulSet>("apps", "statefulsets", true, ["sts"], ["all"], [Scale, StatusOf("apps", "StatefulSet")]);
    public static ResourceType Jobs { get; } = Of<Batch.Job>("batch", "jobs", true, [], ["all"], [StatusOf("batch", "Job")]);
    public static ResourceType CronJobs { get; } = Of<Batch.CronJob>("batch", "cronjobs", true, ["cj"], ["all"], [StatusOf("batch", "CronJob")]);
    public static ResourceType ControllerRevisions { get; } = Of<ControllerRevision>("apps", "controllerrevisions", true, [], [], []);
    public static ResourceType EndpointSlices { get; } = Of<EndpointSlice>("discovery.k8s.io", "endpointslices", true, [], [], []);
    public static ResourceType Leases { get; } = Of<Lease>("coordination.k8s.io", "leases", true, [], [], []);
    public static ResourceType PodDisruptionBudgets { get; } = Of<PodDisruptionBudget>("policy", "poddisruptionbudgets", true, ["pdb"], [], [StatusOf("policy", "PodDisruptionBudget")]);

    public static ResourceType Ingresses { get; } = Of<Networking.Ingress>("networking.k8s.io", "ingresses", true, ["ing"], [], [StatusOf("networking.k8s.io", "Ingress")]);
    public static ResourceType IngressClasses { get; } = Of<Networking.IngressClass>("networking.k8s.io", "ingressclasses", false, [], [], []);
    public static ResourceType NetworkPolicies { get; } = Of<Networking.NetworkPolicy>("networking.k8s.io", "networkpolicies", true, ["netpol"], [], []);

    public static ResourceType PriorityClasses { get; } = Of<Scheduling.PriorityClass>("scheduling.k8s.io", "priorityclasses", false, ["pc"], [], []);

    public static ResourceType StorageClasses { get; } = Of<StorageClass>("storage.k8s.io", "storageclasses", false, ["sc"], [], []);

    public static ResourceType CertificateSigningRequests { get; } = Of<CertificateSigningRequest>("certificates.k8s.io", "certificatesigningrequests", false, ["csr"], [],
        [new("approval", "certificates.k8s.io", "v1", "CertificateSigningRequest", StatusVerbs), StatusOf("certificates.k8s.io", "CertificateSigningRequest")]);

    public const string FlowControlGroup = "flowcontrol.apiserver.k8s.io";

    public static ResourceType FlowSchemas { get; } = Of<FlowControl.FlowSchema>(FlowControlGroup, "flowschemas", false, [], [], [StatusOf(FlowControlGroup, "FlowSchema")]);

    public static ResourceType PriorityLevelConfigurations { get; } = Of<FlowControl.PriorityLevelConfiguration>(FlowControlGroup, "prioritylevelconfigurations", false, [], [],
        [StatusOf(FlowControlGroup, "PriorityLevelConfiguration")]);

    /// <summary>events.k8s.io/v1 Events: a second view of the core Events' storage.</summary>
    public static ResourceType EventsV1 { get; } = Of<Axolotl.Api.Events.Event>("events.k8s.io", "events", true, ["ev"], [], []) with { StorageResource = "events" };

    public static ResourceType Roles { get; } = Of<Role>(RbacGroup, "roles", true, [], [], []);
    public static ResourceType ClusterRoles { get; } = Of<ClusterRole>(RbacGroup, "clusterroles", false, [], [], []);
    public static ResourceType RoleBindings { get; } = Of<RoleBinding>(RbacGroup, "rolebindings", true, [], [], []);
    public static ResourceType ClusterRoleBindings { get; } = Of<ClusterRoleBinding>(RbacGroup, "clusterrolebindings", false, [], [], []);

    /// <summary>autoscaling/v2 HorizontalPodAutoscalers, the stored version; autoscaling/v1 is a view of the same storage.</summary>
    public static ResourceType HorizontalPodAutoscalers { get; } = Of<Autoscaling.HorizontalPodAutoscaler>("autoscaling", "horizontalpodautoscalers", true, ["hpa"], ["all"],
        [new("status", "autoscaling", "v2", "HorizontalPodAutoscaler", StatusVerbs)]) with
    { Version = "v2" };

    public static ResourceType HorizontalPodAutoscalersV1 { get; } = Of<Autoscaling.V1.HorizontalPodAutoscaler>("autoscaling", "horizontalpodautoscalers", true, ["hpa"], ["all"],
        [StatusOf("autoscaling", "HorizontalPodAutoscaler")]) with
    { StorageResource = "autoscaling/horizontalpodautoscalers" };

    /// <summary>apiextensions.k8s.io/v1 CustomResourceDefinitions: each Established one adds resources to the <see cref="ResourceCatalog"/>.</summary>
    public static ResourceType CustomResourceDefinitions { get; } = Of<CustomResourceDefinition>(CustomResourceDefinition.Group, "customresourcedefinitions", false, ["crd", "crds"], ["api-extensions"],
        [StatusOf(CustomResourceDefinition.Group, "CustomResourceDefinition")]);

    public const string AdmissionRegistrationGroup = "admissionregistration.k8s.io";

    public static ResourceType MutatingWebhookConfigurations { get; } = Of<AdmissionRegistration.MutatingWebhookConfiguration>(AdmissionRegistrationGroup, "mutatingwebhookconfigurations", false, [], ["api-extensions"], []);
    public static ResourceType ValidatingWebhookConfigurations { get; } = Of<AdmissionRegistration.ValidatingWebhookConfiguration>(AdmissionRegistrationGroup, "validatingwebhookconfigurations", false, [], ["api-extensions"], []);
    public static ResourceType ValidatingAdmissionPolicies { get; } = Of<AdmissionRegistration.ValidatingAdmissionPolicy>(AdmissionRegistrationGroup, "validatingadmissionpolicies", false, [], ["api-extensions"],
        [StatusOf(AdmissionRegistrationGroup, "ValidatingAdmissionPolicy")]);
    public static ResourceType ValidatingAdmissionPolicyBindings { get; } = Of<AdmissionRegistration.ValidatingAdmissionPolicyBinding>(AdmissionRegistrationGroup, "validatingadmissionpolicybindings", false, [], ["api-extensions"], []);

    /// <summary>apiregistration.k8s.io/v1 APIServices: which server answers each group/version (ours: Local).</summary>
    public static ResourceType ApiServices { get; } = Of<ApiRegistration.APIService>(ApiRegistration.APIService.Group, "apiservices", false, [], ["api-extensions"],
        [StatusOf(ApiRegistration.APIService.Group, "APIService")]);

    public const string MetricsGroup = "metrics.k8s.io";

    /// <summary>The resource metrics API: computed from the agents' readings, never stored, read-only.</summary>
    public static ResourceType NodeMetrics { get; } = Of<Metrics.NodeMetrics>(MetricsGroup, "nodes", false, [], [], []) with { Version = "v1beta1", Verbs = ["get", "list"], StorageResource = "" };

    public static ResourceType PodMetrics { get; } = Of<Metrics.PodMetrics>(MetricsGroup, "pods", true, [], [], []) with { Version = "v1beta1", Verbs = ["get", "list"], StorageResource = "" };

    /// <summary>The review kinds: create-only, answered by the server and never stored.</summary>
    public static ResourceType TokenReviews { get; } = Review<Authentication.TokenReview>("authentication.k8s.io", "tokenreviews", false);
    public static ResourceType SelfSubjectReviews { get; } = Review<Authentication.SelfSubjectReview>("authentication.k8s.io", "selfsubjectreviews", false);
    public static ResourceType LocalSubjectAccessReviews { get; } = Review<Authorization.LocalSubjectAccessReview>("authorization.k8s.io", "localsubjectaccessreviews", true);
    public static ResourceType SelfSubjectAccessReviews { get; } = Review<Authorization.SelfSubjectAccessReview>("authorization.k8s.io", "selfsubjectaccessreviews", false);
    public static ResourceType SelfSubjectRulesReviews { get; } = Review<Authorization.SelfSubjectRulesReview>("authorization.k8s.io", "selfsubjectrulesreviews", false);
    public static ResourceType SubjectAccessReviews { get; } = Review<Authorization.SubjectAccessReview>("authorization.k8s.io", "subjectaccessreviews", false);

    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Namespaces, Pods, Nodes, Services, Endpoints, Events, ConfigMaps, Secrets, ServiceAccounts,
        ResourceQuotas, LimitRanges, ReplicationControllers, PersistentVolumeClaims, PersistentVolumes,
        Deployments, ReplicaSets, DaemonSets, StatefulSets, ControllerRevisions,
        Jobs, CronJobs, HorizontalPodAutoscalers, HorizontalPodAutoscalersV1,
        EndpointSlices, Leases, PodDisruptionBudgets, EventsV1, CertificateSigningRequests, StorageClasses, PriorityClasses,
        Ingresses, IngressClasses, NetworkPolicies, FlowSchemas, PriorityLevelConfigurations, CustomResourceDefinitions,
        MutatingWebhookConfigurations, ValidatingWebhookConfigurations, ValidatingAdmissionPolicies, ValidatingAdmissionPolicyBindings,
        ApiServices,
        ClusterRoleBindings, ClusterRoles, RoleBindings, Roles,
        TokenReviews, SelfSubjectReviews,
        LocalSubjectAccessReviews, SelfSubjectAccessReviews, SelfSubjectRulesReviews, SubjectAccessReviews,
        NodeMetrics, PodMetrics,
    ];

    public const string RbacGroup = "rbac.authorization.k8s.io";

    /// <summary>Whether the kind is a review: POST answers it, nothing is stored, no other verb exists.</summary>
    public static bool IsReview(ResourceType type) => type.Verbs is ["create"];

    // A resource served in several versions is found by kind or plural in the first (preferred) one listed.
    private static readonly Dictionary<(string Group, string Kind), ResourceType> ByKind =
        All.GroupBy(r => (r.Group, r.Kind)).ToDictionary(g => g.Key, g => g.First());

    private static readonly Dictionary<(string Group, string Plural), ResourceType> ByPlural =
        All.GroupBy(r => (r.Group, r.Plural)).ToDictionary(g => g.Key, g => g.First());

    private static readonly Dictionary<(string Group, string Version, string Plural), ResourceType> ByVersionedPlural =
        All.ToDictionary(r => (r.Group, r.Version, r.Plural));

    private static readonly Dictionary<Type, ResourceType> ByClrType =
        All.GroupBy(r => r.ClrType).ToDictionary(g => g.Key, g => g.First());

    public static ResourceType? FindByKind(string group, string kind) => ByKind.GetValueOrDefault((group, kind));

    public static ResourceType? FindByPlural(string group, string plural) => ByPlural.GetValueOrDefault((group, plural));

    public static ResourceType? FindByPlural(string group, string version, string plural) => ByVersionedPlural.GetValueOrDefault((group, version, plural));

    public static ResourceType ForType<T>() => ByClrType[typeof(T)];

    public static ResourceType ForType(Type type) => ByClrType[type];

    /// <summary>Splits "apps/v1" into ("apps", "v1") and "v1" into ("", "v1").</summary>
    public static (string Group, string Version) ParseApiVersion(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }

    private static ResourceType Core<T>(string plural, bool namespaced, IReadOnlyList<string> shortNames,
        IReadOnlyList<string>? categories = null, IReadOnlyList<Subresource>? subresources = null, IReadOnlyList<string>? verbs = null) =>
        new()
        {
            Group = "",
            Version = "v1",
            Kind = typeof(T).Name,
            Plural = plural,
            Namespaced = namespaced,
            ClrType = typeof(T),
            ShortNames = shortNames,
            Categories = categories ?? [],
            Subresources = subresources ?? [],
            Verbs = verbs ?? ResourceType.StandardVerbs,
            StorageResource = plural,
        };

    private static ResourceType Review<T>(string group, string plural, bool namespaced) =>
        Of<T>(group, plural, namespaced, [], [], []) with { Verbs = ["create"] };

    private static ResourceType Of<T>(string group, string plural, bool namespaced, IReadOnlyList<string> shortNames,
        IReadOnlyList<string> categories, IReadOnlyList<Subresource> subresources) =>
        new()
        {
            Group = group,
            Version = "v1",
            Kind = typeof(T).Name,
            Plural = plural,
            Namespaced = namespaced,
            ClrType = typeof(T),
            ShortNames = shortNames,
            Categories = categories,
            Subresources = subresources,
            StorageResource = $"{group}/{plural}",
        };
}
