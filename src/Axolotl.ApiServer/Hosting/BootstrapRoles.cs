using Axolotl.Api.Rbac;

namespace Axolotl.ApiServer.Hosting;

/// <summary>
/// The default ClusterRoles and ClusterRoleBindings, after upstream's bootstrap policy: the user-facing
/// roles (cluster-admin; admin, edit and view aggregated from the aggregate-to-* roles), the roles
/// every authenticated (and, for health and version, unauthenticated) caller holds, and one role per
/// in-process component, each bound to that component's own user.
/// </summary>
public static class BootstrapRoles
{
    public const string AggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin";
    public const string AggregateToEdit = "rbac.authorization.k8s.io/aggregate-to-edit";
    public const string AggregateToView = "rbac.authorization.k8s.io/aggregate-to-view";

    public const string ControllerManagerUser = "system:kube-controller-manager";
    public const string SchedulerUser = "system:kube-scheduler";
    public const string ProxyUser = "system:kube-proxy";
    public const string IngressUser = "system:axolotl-ingress-controller";

    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] Write = ["create", "delete", "deletecollection", "patch", "update"];
    private static readonly string[] ReadWrite = [.. Read, .. Write];

    private static PolicyRule Rule(IEnumerable<string> verbs, string group, params string[] resources) =>
        new() { Verbs = [.. verbs], ApiGroups = [group], Resources = [.. resources] };

    private static PolicyRule Urls(IEnumerable<string> verbs, params string[] urls) => new() { Verbs = [.. verbs], NonResourceUrls = [.. urls] };

    public static IReadOnlyList<ClusterRole> ClusterRoles { get; } =
    [
        Role("cluster-admin", null, [Rule(["*"], "*", "*"), Urls(["*"], "*")]),
        Aggregated("admin", AggregateToAdmin, null),
        Aggregated("edit", AggregateToEdit, AggregateToAdmin),
        Aggregated("view", AggregateToView, AggregateToEdit),
        Role("system:aggregate-to-admin", AggregateToAdmin,
        [
            Rule(ReadWrite, "rbac.authorization.k8s.io", "rolebindings", "roles"),
            Rule(["create"], "authorization.k8s.io", "localsubjectaccessreviews"),
        ]),
        Role("system:aggregate-to-edit", AggregateToEdit,
        [
            Rule(Read, "", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"),
            Rule(["impersonate"], "", "serviceaccounts"),
            Rule(Write, "", "pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"),
            Rule(["create"], "", "pods/eviction"),
            Rule(Write, "", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/proxy",
                "persistentvolumeclaims", "configmaps", "secrets", "events"),
            Rule(["create"], "", "serviceaccounts/token"),
            Rule(Write, "apps", "statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"),
            Rule(Write, "autoscaling", "horizontalpodautoscalers"),
            Rule(Write, "batch", "jobs", "cronjobs"),
            Rule(Write, "policy", "poddisruptionbudgets"),
            Rule(Write, "networking.k8s.io", "networkpolicies", "ingresses"),
            Rule(ReadWrite, "coordination.k8s.io", "leases"),
        ]),
        Role("system:aggregate-to-view", AggregateToView,
        [
            Rule(Read, "", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status",
                "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"),
            Rule(Read, "", "limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status",
                "namespaces/status", "replicationcontrollers/status", "pods/log"),
            Rule(Read, "", "namespaces"),
            Rule(Read, "discovery.k8s.io", "endpointslices"),
            Rule(Read, "apps", "controllerrevisions", "statefulsets", "statefulsets/scale", "statefulsets/status", "daemonsets", "daemonsets/status",
                "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status"),
            Rule(Read, "autoscaling", "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
            Rule(Read, "batch", "jobs", "jobs/status", "cronjobs", "cronjobs/status"),
            Rule(Read, "policy", "poddisruptionbudgets", "poddisruptionbudgets/status"),
            Rule(Read, "networking.k8s.io", "networkpolicies", "ingresses", "ingresses/status"),
            Rule(Read, "events.k8s.io", "events"),
        ]),
        // metrics-server's role: the resource metrics API readable wherever view, edit or admin is held.
        AlsoAggregatedTo(Role("system:aggregated-metrics-reader", AggregateToView, [Rule(Read, "metrics.k8s.io", "pods", "nodes")]), AggregateToEdit, AggregateToAdmin),
        Role("system:basic-user", null,
        [
            Rule(["create"], "authorization.k8s.io", "selfsubjectaccessreviews", "selfsubjectrulesreviews"),
            Rule(["create"], "authentication.k8s.io", "selfsubjectreviews"),
        ]),
        Role("system:discovery", null,
            [Urls(["get"], "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/")]),
        Role("system:public-info-viewer", null, [Urls(["get"], "/healthz", "/livez", "/readyz", "/version", "/version/")]),
        // Upstream's role for Prometheus and other scrapers; bound to the system:monitoring group. Axolotl's
        // kube-state-metrics families are served by the API server too, under /metrics/kube-state-metrics.
        Role("system:monitoring", null,
            [Urls(["get"], "/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/kube-state-metrics", "/metrics/slis", "/readyz", "/readyz/*")]),
        // Issuer discovery for service account tokens: upstream binds it to every authenticated user.
        Role("system:service-account-issuer-discovery", null, [Urls(["get"], "/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/")]),
        Role("system:auth-delegator", null,
        [
            Rule(["create"], "authentication.k8s.io", "tokenreviews"),
            Rule(["create"], "authorization.k8s.io", "subjectaccessreviews"),
        ]),
        // Every controller of `axolotl server` shares this identity (upstream gives each its own
        // ServiceAccount). The garbage collector and the namespace controller must read and delete
        // anything; creation is limited to what controllers make.
        Role("system:kube-controller-manager", null,
        [
            new PolicyRule { Verbs = ["get", "list", "watch", "patch", "update", "delete", "deletecollection"], ApiGroups = ["*"], Resources = ["*"] },
            Rule(["create"], "", "pods", "pods/eviction", "events", "endpoints", "serviceaccounts", "configmaps", "secrets", "serviceaccounts/token",
                "persistentvolumes"),
            Rule(["create"], "apps", "replicasets", "controllerrevisions"),
            // The StatefulSet controller makes the claims of volumeClaimTemplates.
            Rule(["create"], "", "persistentvolumeclaims"),
            // The CronJob controller creates Jobs.
            Rule(["create"], "batch", "jobs"),
            Rule(["create"], "discovery.k8s.io", "endpointslices"),
            Rule(["create"], "coordination.k8s.io", "leases"),
            Rule(["create"], "events.k8s.io", "events"),
            // The autoregistration controller keeps a Local APIService for every group/version served here.
            Rule(["create"], "apiregistration.k8s.io", "apiservices"),
            Rule(["create"], "authentication.k8s.io", "tokenreviews"),
            Rule(["create"], "authorization.k8s.io", "subjectaccessreviews"),
            // The ClusterRole aggregation controller writes rules it does not hold itself (upstream's escalate).
            Rule(["escalate"], "rbac.authorization.k8s.io", "clusterroles"),
            // The CSR controller approves and signs the kubelet signers' requests (upstream's certificate-controller
            // role; the serving signer too, since Axolotl auto-approves a node's own serving request; and a node's own
            // edge controllers' certificate) and no others.
            new PolicyRule
            {
                Verbs = ["approve", "sign"], ApiGroups = ["certificates.k8s.io"], Resources = ["signers"],
                ResourceNames = [Api.Certificates.KubeletSigners.Client, Api.Certificates.KubeletSigners.Serving, Api.Certificates.IngressControllerIdentity.Signer],
            },
        ]),
        Role("system:kube-scheduler", null,
        [
            Rule(["create", "patch", "update"], "", "events"),
            Rule(["create", "patch", "update"], "events.k8s.io", "events"),
            Rule(["create"], "coordination.k8s.io", "leases"),
            new PolicyRule { Verbs = ["get", "update"], ApiGroups = ["coordination.k8s.io"], Resources = ["leases"], ResourceNames = ["kube-scheduler"] },
            Rule(Read, "", "nodes", "namespaces", "replicationcontrollers", "services", "persistentvolumes", "persistentvolumeclaims"),
            Rule(["delete", "get", "list", "watch"], "", "pods"),
            Rule(["create"], "", "bindings", "pods/binding"),
            Rule(["patch", "update"], "", "pods/status"),
            Rule(Read, "apps", "replicasets", "statefulsets"),
            Rule(Read, "policy", "poddisruptionbudgets"),
            // Volume scheduling: the chosen node is written on a WaitForFirstConsumer claim.
            Rule(["patch", "update"], "", "persistentvolumeclaims"),
            Rule(Read, "storage.k8s.io", "storageclasses"),
            Rule(["create"], "authentication.k8s.io", "tokenreviews"),
            Rule(["create"], "authorization.k8s.io", "subjectaccessreviews"),
        ]),
        // Upstream's roles for the volume binder and an external provisioner (local-path's).
        Role("system:volume-scheduler", null,
        [
            Rule([.. Read, "patch", "update"], "", "persistentvolumes"),
            Rule(Read, "storage.k8s.io", "storageclasses"),
            Rule([.. Read, "patch", "update"], "", "persistentvolumeclaims"),
        ]),
        Role("system:persistent-volume-provisioner", null,
        [
            Rule([.. Read, "create", "delete"], "", "persistentvolumes"),
            Rule([.. Read, "update"], "", "persistentvolumeclaims"),
            Rule(Read, "storage.k8s.io", "storageclasses"),
            Rule(["watch", "create", "update", "patch"], "", "events"),
        ]),
        Role("system:node-proxier", null,
        [
            Rule(["list", "watch"], "", "endpoints", "services"),
            // Axolotl's proxy also follows pods (pod IPs and readiness the agent has not published yet); upstream's does not.
            Rule(["list", "watch"], "", "pods"),
            Rule(Read, "", "nodes"),
            Rule(["create", "patch", "update"], "", "events"),
            Rule(["create", "patch", "update"], "events.k8s.io", "events"),
            Rule(["list", "watch"], "discovery.k8s.io", "endpointslices"),
        ]),
        // The built-in Ingress controller (as ingress-nginx's ClusterRole): it reads Ingresses, their Services and TLS
        // Secrets, makes its IngressClass, and writes Ingress status and events; and the Gateway API controller (ADR 0028).
        // The server node's edge controllers read every Secret and the pods and nodes through the server's shared
        // informers; a joined node's (below) get only the Secrets an Ingress or Gateway names.
        Role("system:axolotl-ingress-controller", null,
        [
            Rule(["list", "watch"], "", "secrets", "pods"),
            Rule(Read, "", "nodes"),
            .. EdgeControllerRules,
        ]),
        // A joined node's edge controllers (system:axolotl-ingress-controller:NODE, one user per node): Secrets come
        // through the ingress controller authorizer (those an Ingress or Gateway names); pods and nodes the
        // controllers do not read (the node's service proxy follows them with the node's identity).
        Role(NodeIngressControllerRole, null, [.. EdgeControllerRules]),
    ];

    /// <summary>What the Ingress and Gateway API controllers need besides Secrets, on every node.</summary>
    private static PolicyRule[] EdgeControllerRules =>
    [
        Rule(["list", "watch"], "", "services"),
        Rule(["list", "watch"], "discovery.k8s.io", "endpointslices"),
        Rule(Read, "networking.k8s.io", "ingresses", "ingressclasses"),
        Rule(["create"], "networking.k8s.io", "ingressclasses"),
        Rule(["update"], "networking.k8s.io", "ingresses/status"),
        Rule(["create", "patch", "update"], "", "events"),
        Rule(["create", "patch", "update"], "events.k8s.io", "events"),
        // The Gateway API controller follows the CRDs (to start watching once the user installs them), namespaces
        // (allowedRoutes selectors), and writes the status of what it serves.
        Rule(["list", "watch"], "apiextensions.k8s.io", "customresourcedefinitions"),
        Rule(["list", "watch"], "", "namespaces"),
        Rule(Read, "gateway.networking.k8s.io", "gatewayclasses", "gateways", "httproutes", "referencegrants"),
        Rule(["update"], "gateway.networking.k8s.io", "gatewayclasses/status", "gateways/status", "httproutes/status"),
    ];

    /// <summary>The role of every joined node's edge controllers, bound to their group.</summary>
    public const string NodeIngressControllerRole = "system:axolotl-node-ingress-controller";

    public static IReadOnlyList<ClusterRoleBinding> ClusterRoleBindings { get; } =
    [
        Binding("cluster-admin", "cluster-admin", Group("system:masters")),
        Binding("system:basic-user", "system:basic-user", Group("system:authenticated")),
        Binding("system:discovery", "system:discovery", Group("system:authenticated")),
        Binding("system:monitoring", "system:monitoring", Group("system:monitoring")),
        Binding("system:public-info-viewer", "system:public-info-viewer", Group("system:authenticated"), Group("system:unauthenticated")),
        Binding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery", Group("system:serviceaccounts")),
        Binding("system:kube-controller-manager", "system:kube-controller-manager", User(ControllerManagerUser)),
        Binding("system:kube-scheduler", "system:kube-scheduler", User(SchedulerUser)),
        Binding("system:volume-scheduler", "system:volume-scheduler", User(SchedulerUser)),
        Binding("system:node-proxier", "system:node-proxier", User(ProxyUser)),
        Binding("system:axolotl-ingress-controller", "system:axolotl-ingress-controller", User(IngressUser)),
        Binding(NodeIngressControllerRole, NodeIngressControllerRole, Group(Api.Certificates.IngressControllerIdentity.Group)),
    ];

    /// <summary>
    /// The namespaced defaults upstream bootstraps that a client here reads: who may read the
    /// extension-apiserver-authentication ConfigMap in kube-system (aggregated API servers bind their own
    /// ServiceAccount to this Role, as metrics-server's manifest does).
    /// </summary>
    public const string ExtensionAuthenticationReader = "extension-apiserver-authentication-reader";

    public static IReadOnlyList<Role> NamespaceRoles { get; } =
    [
        new Role
        {
            Metadata = NamespacedMeta(ExtensionAuthenticationReader, "kube-system"),
            Rules = [new PolicyRule { Verbs = [.. Read], ApiGroups = [""], Resources = ["configmaps"], ResourceNames = [ControlPlane.ClusterAuthenticationTrust.ConfigMapName] }],
        },
    ];

    public static IReadOnlyList<RoleBinding> NamespaceRoleBindings { get; } =
    [
        new RoleBinding
        {
            Metadata = NamespacedMeta("system::" + ExtensionAuthenticationReader, "kube-system"),
            RoleRef = new RoleRef { ApiGroup = Api.Scheme.KnownResources.RbacGroup, Kind = "Role", Name = ExtensionAuthenticationReader },
            Subjects = [User(ControllerManagerUser), User(SchedulerUser)],
        },
    ];

    private static Api.Meta.ObjectMeta NamespacedMeta(string name, string ns)
    {
        var meta = Meta(name, null);
        meta.Namespace = ns;
        return meta;
    }

    private static ClusterRole Role(string name, string? aggregateTo, List<PolicyRule> rules) => new()
    {
        Metadata = Meta(name, aggregateTo),
        Rules = rules,
    };

    private static ClusterRole AlsoAggregatedTo(ClusterRole role, params string[] labels)
    {
        foreach (var label in labels)
        {
            role.Metadata.Labels![label] = "true";
        }
        return role;
    }

    private static ClusterRole Aggregated(string name, string selectorLabel, string? aggregateTo) => new()
    {
        Metadata = Meta(name, aggregateTo),
        AggregationRule = new AggregationRule
        {
            ClusterRoleSelectors = [new Api.Core.LabelSelector { MatchLabels = new() { [selectorLabel] = "true" } }],
        },
        Rules = [],
    };

    private static Api.Meta.ObjectMeta Meta(string name, string? aggregateTo)
    {
        var labels = new Dictionary<string, string> { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        if (aggregateTo is not null)
        {
            labels[aggregateTo] = "true";
        }
        return new Api.Meta.ObjectMeta
        {
            Name = name,
            Labels = labels,
            Annotations = new() { [BootstrapPolicy.AutoUpdateAnnotation] = "true" },
        };
    }

    private static ClusterRoleBinding Binding(string name, string role, params Subject[] subjects) => new()
    {
        Metadata = Meta(name, null),
        RoleRef = new RoleRef { ApiGroup = Api.Scheme.KnownResources.RbacGroup, Kind = "ClusterRole", Name = role },
        Subjects = [.. subjects],
    };

    private static Subject Group(string name) => new() { Kind = Subject.GroupKind, ApiGroup = Api.Scheme.KnownResources.RbacGroup, Name = name };

    private static Subject User(string name) => new() { Kind = Subject.UserKind, ApiGroup = Api.Scheme.KnownResources.RbacGroup, Name = name };
}
