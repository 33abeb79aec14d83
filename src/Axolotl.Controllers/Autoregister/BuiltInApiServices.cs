using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;

namespace Axolotl.Controllers.Autoregister;

/// <summary>
/// The Local APIServices of the built-in group/versions, with kube-apiserver's group and version priorities
/// (its apiVersionPriorities table). As upstream, a served group/version with no priority gets no APIService:
/// apiregistration.k8s.io itself has none there either.
/// </summary>
public static class BuiltInApiServices
{
    /// <summary>The priority CRD group/versions get (upstream's crdregistration controller).</summary>
    public const int CustomGroupPriorityMinimum = 1000;

    public const int CustomVersionPriority = 100;

    private static readonly Dictionary<(string Group, string Version), (int Group, int Version)> Priorities = new()
    {
        [("", "v1")] = (18000, 1),
        [("apps", "v1")] = (17800, 15),
        [("events.k8s.io", "v1")] = (17750, 15),
        [("authentication.k8s.io", "v1")] = (17700, 15),
        [("authorization.k8s.io", "v1")] = (17600, 15),
        [("autoscaling", "v1")] = (17500, 15),
        [("autoscaling", "v2")] = (17500, 30),
        [("batch", "v1")] = (17400, 15),
        [("certificates.k8s.io", "v1")] = (17300, 15),
        [("networking.k8s.io", "v1")] = (17200, 15),
        [("policy", "v1")] = (17100, 15),
        [("rbac.authorization.k8s.io", "v1")] = (17000, 15),
        [("storage.k8s.io", "v1")] = (16800, 15),
        [("apiextensions.k8s.io", "v1")] = (16700, 15),
        [("admissionregistration.k8s.io", "v1")] = (16700, 15),
        [("scheduling.k8s.io", "v1")] = (16600, 15),
        [("coordination.k8s.io", "v1")] = (16500, 15),
        [("discovery.k8s.io", "v1")] = (16200, 15),
        [("flowcontrol.apiserver.k8s.io", "v1")] = (16100, 21),
        // Upstream has metrics-server register this one behind its Service; Axolotl serves it itself, so it is Local,
        // with the priorities metrics-server's manifest gives it.
        [(KnownResources.MetricsGroup, "v1beta1")] = (100, 100),
    };

    /// <summary>One Local APIService, labelled onstart, per built-in group/version that has a priority, by name.</summary>
    public static IReadOnlyDictionary<string, APIService> For(IEnumerable<ResourceType> builtIns)
    {
        var result = new Dictionary<string, APIService>(StringComparer.Ordinal);
        foreach (var (group, version) in builtIns.Select(r => (r.Group, r.Version)).Distinct())
        {
            if (Priorities.TryGetValue((group, version), out var priority))
            {
                var apiService = Local(group, version, priority.Group, priority.Version, APIService.ManagedOnStart);
                result[apiService.Metadata.Name!] = apiService;
            }
        }
        return result;
    }

    /// <summary>The built-ins of this binary.</summary>
    public static IReadOnlyDictionary<string, APIService> All { get; } = For(KnownResources.All);

    /// <summary>
    /// Whether a built-in's APIService that names a Service is left as it is, even at start: metrics.k8s.io only, which
    /// upstream does not serve itself. Installing metrics-server points v1beta1.metrics.k8s.io at its Service (keeping the
    /// automanaged label the object already had); reverting that at the next start, as upstream reverts its own
    /// built-ins, would take the installed server away. Setting the service back to null gives the built-in back.
    /// </summary>
    public static bool YieldsToService(APIService current) =>
        current?.Spec is { Service: not null, Group: KnownResources.MetricsGroup };

    /// <summary>Whether <paramref name="group"/>/<paramref name="version"/> has a place in kube-apiserver's table.</summary>
    public static bool HasPriority(string group, string version) => Priorities.ContainsKey((group, version));

    public static APIService Local(string group, string version, int groupPriorityMinimum, int versionPriority, string managed) => new()
    {
        ApiVersion = APIService.Group + "/v1",
        Kind = nameof(APIService),
        Metadata = new ObjectMeta
        {
            Name = APIService.NameOf(group, version),
            Labels = new Dictionary<string, string> { [APIService.AutomanagedLabel] = managed },
        },
        Spec = new APIServiceSpec
        {
            // Upstream's group has omitempty: the legacy core group's APIService has none.
            Group = group.Length == 0 ? null : group,
            Version = version,
            GroupPriorityMinimum = groupPriorityMinimum,
            VersionPriority = versionPriority,
        },
    };
}
