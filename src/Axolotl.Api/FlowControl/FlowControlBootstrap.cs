namespace Axolotl.Api.FlowControl;

/// <summary>
/// kube-apiserver 1.32's built-in configuration (apiserver's flowcontrol/bootstrap): the mandatory
/// exempt and catch-all objects, whose specs may not change, and the suggested ones, created when
/// missing. Every one carries apf.kubernetes.io/autoupdate-spec: "true". The specs are written in
/// their defaulted form, so a stored object compares equal to them.
/// </summary>
public static class FlowControlBootstrap
{
    private const string All = "*";
    private const string KubeControllerManager = "system:kube-controller-manager";
    private const string KubeScheduler = "system:kube-scheduler";
    private const string Nodes = "system:nodes";
    private const string Authenticated = "system:authenticated";
    private const string Unauthenticated = "system:unauthenticated";

    public static IReadOnlyList<PriorityLevelConfiguration> MandatoryPriorityLevels { get; } =
    [
        new() { Metadata = Meta(PriorityLevelConfiguration.Exempt), Spec = new() { Type = PriorityLevelConfigurationSpec.TypeExempt, Exempt = new() { NominalConcurrencyShares = 0, LendablePercent = 0 } } },
        new()
        {
            Metadata = Meta(PriorityLevelConfiguration.CatchAll),
            Spec = new()
            {
                Type = PriorityLevelConfigurationSpec.TypeLimited,
                Limited = new() { NominalConcurrencyShares = 5, LendablePercent = 0, LimitResponse = new() { Type = LimitResponse.TypeReject } },
            },
        },
    ];

    public static IReadOnlyList<PriorityLevelConfiguration> SuggestedPriorityLevels { get; } =
    [
        Limited("system", 30, 33, 64, 6),
        Limited("node-high", 40, 25, 64, 6),
        Limited("leader-election", 10, 0, 16, 4),
        Limited("workload-high", 40, 50, 128, 6),
        Limited("workload-low", 100, 90, 128, 6),
        Limited("global-default", 20, 50, 128, 6),
    ];

    public static IReadOnlyList<FlowSchema> MandatoryFlowSchemas { get; } =
    [
        Schema("exempt", "exempt", 1, null, Everything(Groups("system:masters"))),
        Schema("catch-all", "catch-all", 10000, FlowDistinguisherMethod.ByUser, Everything(Groups(Unauthenticated, Authenticated))),
    ];

    public static IReadOnlyList<FlowSchema> SuggestedFlowSchemas { get; } =
    [
        Schema("probes", "exempt", 2, null, new()
        {
            Subjects = Groups(Unauthenticated, Authenticated),
            NonResourceRules = [new() { Verbs = ["get"], NonResourceURLs = ["/healthz", "/readyz", "/livez"] }],
        }),
        Schema("system-leader-election", "leader-election", 100, FlowDistinguisherMethod.ByUser, new()
        {
            Subjects = [.. Users(KubeControllerManager, KubeScheduler), .. KubeSystemServiceAccounts(All)],
            ResourceRules = [Resources(["get", "create", "update"], "coordination.k8s.io", ["leases"])],
        }),
        Schema("endpoint-controller", "workload-high", 150, FlowDistinguisherMethod.ByUser, new()
        {
            Subjects = [.. Users(KubeControllerManager), .. KubeSystemServiceAccounts("endpoint-controller", "endpointslicemirroring-controller")],
            ResourceRules = [Resources(["get", "create", "update"], "", ["endpoints"])],
        }),
        Schema("workload-leader-election", "leader-election", 200, FlowDistinguisherMethod.ByUser, new()
        {
            Subjects = KubeSystemServiceAccounts(All),
            ResourceRules = [Resources(["get", "create", "update"], "", ["endpoints", "configmaps"]), Resources(["get", "create", "update"], "coordination.k8s.io", ["leases"])],
        }),
        Schema("system-node-high", "node-high", 400, FlowDistinguisherMethod.ByUser, new()
        {
            Subjects = Groups(Nodes),
            ResourceRules =
            [
                new() { Verbs = [All], ApiGroups = [""], Resources = ["nodes", "nodes/status"], Namespaces = [All], ClusterScope = true },
                Resources([All], "coordination.k8s.io", ["leases"]),
            ],
        }),
        Schema("system-nodes", "system", 500, FlowDistinguisherMethod.ByUser, Everything(Groups(Nodes))),
        Schema("kube-controller-manager", "workload-high", 800, FlowDistinguisherMethod.ByNamespace, Everything(Users(KubeControllerManager))),
        Schema("kube-scheduler", "workload-high", 800, FlowDistinguisherMethod.ByNamespace, Everything(Users(KubeScheduler))),
        Schema("kube-system-service-accounts", "workload-high", 900, FlowDistinguisherMethod.ByNamespace, Everything(KubeSystemServiceAccounts(All))),
        Schema("service-accounts", "workload-low", 9000, FlowDistinguisherMethod.ByUser, Everything(Groups("system:serviceaccounts"))),
        Schema("global-default", "global-default", 9900, FlowDistinguisherMethod.ByUser, Everything(Groups(Unauthenticated, Authenticated))),
    ];

    private static Meta.ObjectMeta Meta(string name) => new()
    {
        Name = name,
        Annotations = new() { [PriorityLevelConfiguration.AutoUpdateAnnotation] = "true" },
    };

    private static PriorityLevelConfiguration Limited(string name, int shares, int lendable, int queues, int handSize) => new()
    {
        Metadata = Meta(name),
        Spec = new()
        {
            Type = PriorityLevelConfigurationSpec.TypeLimited,
            Limited = new()
            {
                NominalConcurrencyShares = shares,
                LendablePercent = lendable,
                LimitResponse = new() { Type = LimitResponse.TypeQueue, Queuing = new() { Queues = queues, HandSize = handSize, QueueLengthLimit = 50 } },
            },
        },
    };

    private static FlowSchema Schema(string name, string level, int precedence, string? distinguisher, PolicyRulesWithSubjects rules) => new()
    {
        Metadata = Meta(name),
        Spec = new()
        {
            PriorityLevelConfiguration = new() { Name = level },
            MatchingPrecedence = precedence,
            DistinguisherMethod = distinguisher is null ? null : new() { Type = distinguisher },
            Rules = [rules],
        },
    };

    private static PolicyRulesWithSubjects Everything(List<Subject> subjects) => new()
    {
        Subjects = subjects,
        ResourceRules = [new() { Verbs = [All], ApiGroups = [All], Resources = [All], Namespaces = [All], ClusterScope = true }],
        NonResourceRules = [new() { Verbs = [All], NonResourceURLs = [All] }],
    };

    private static ResourcePolicyRule Resources(List<string> verbs, string group, List<string> resources) =>
        new() { Verbs = verbs, ApiGroups = [group], Resources = resources, Namespaces = [All] };

    private static List<Subject> Groups(params string[] names) =>
        [.. names.Select(n => new Subject { Kind = Subject.KindGroup, Group = new() { Name = n } })];

    private static List<Subject> Users(params string[] names) =>
        [.. names.Select(n => new Subject { Kind = Subject.KindUser, User = new() { Name = n } })];

    private static List<Subject> KubeSystemServiceAccounts(params string[] names) =>
        [.. names.Select(n => new Subject { Kind = Subject.KindServiceAccount, ServiceAccount = new() { Namespace = "kube-system", Name = n } })];
}
