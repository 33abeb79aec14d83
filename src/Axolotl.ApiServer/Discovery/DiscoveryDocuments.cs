using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Discovery;

/// <summary>
/// The discovery documents kubectl reads to learn what exists: aggregated (apidiscovery.k8s.io/v2,
/// recognised only by its content type) and legacy (/api, /apis, per group-version resource lists;
/// drain reads legacy /api/v1 even when aggregated discovery is served). Built from one catalog snapshot and the
/// aggregated API servers' lists (<see cref="AggregatedApis"/>); <see cref="ServedDiscovery"/> rebuilds them when either changes.
/// A remote group/version is listed in /apis (Available or not, as kube-aggregator lists every APIService) and in
/// aggregated discovery with its backend's resources (<c>Stale</c> when they are not current); its own
/// /apis/GROUP/VERSION is the backend's, proxied. A remote group/version replaces one this server serves itself, as the
/// proxy does.
/// </summary>
public sealed class DiscoveryDocuments
{
    public DiscoveryDocuments(IReadOnlyList<ResourceType> resources) : this(resources, AggregatedApis.None)
    {
    }

    public DiscoveryDocuments(IReadOnlyList<ResourceType> resources, AggregatedApis aggregated)
    {
        ArgumentNullException.ThrowIfNull(aggregated);
        var remote = aggregated.Remote.Where(r => r.Group.Length > 0).ToList();
        var remoteGroupVersions = remote.Select(r => (r.Group, r.Version)).ToHashSet();
        var byGroupVersion = resources.GroupBy(r => (r.Group, r.Version)).Where(g => !remoteGroupVersions.Contains(g.Key)).ToList();
        var localGroups = byGroupVersion.Where(g => g.Key.Group.Length > 0).Select(g => g.Key.Group).Distinct().ToList();
        var groups = DiscoveryOrdering.Groups(localGroups, remote, aggregated.GroupPriorities);
        AggregatedCore = Aggregated(byGroupVersion.Where(g => g.Key.Group.Length == 0), [], [], core: true).ToJsonString();
        AggregatedGroups = Aggregated(byGroupVersion.Where(g => g.Key.Group.Length > 0), remote, groups, core: false).ToJsonString();
        LegacyApiVersions = new JsonObject
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = "" }),
        }.ToJsonString();
        // The first version listed is the preferred one (autoscaling: v2, then v1); remote versions follow by versionPriority.
        var versions = byGroupVersion.GroupBy(g => g.Key.Group).ToDictionary(g => g.Key, g => g.Select(v => v.Key.Version).ToList());
        foreach (var r in DiscoveryOrdering.Versions(remote))
        {
            (versions.TryGetValue(r.Group, out var list) ? list : versions[r.Group] = []).Add(r.Version);
        }
        LegacyGroupList = new JsonObject
        {
            ["kind"] = "APIGroupList",
            ["apiVersion"] = "v1",
            ["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)Group(g, versions[g]))]),
        }.ToJsonString();
        foreach (var group in groups)
        {
            var doc = Group(group, versions[group]);
            doc["kind"] = "APIGroup";
            doc["apiVersion"] = "v1";
            LegacyGroups[group] = doc.ToJsonString();
        }
        foreach (var gv in byGroupVersion)
        {
            var groupVersion = gv.Key.Group.Length == 0 ? gv.Key.Version : $"{gv.Key.Group}/{gv.Key.Version}";
            LegacyResourceLists[groupVersion] = ResourceList(groupVersion, gv).ToJsonString();
        }
    }

    public string AggregatedCore { get; }
    public string AggregatedGroups { get; }
    public string LegacyApiVersions { get; }
    public string LegacyGroupList { get; }
    public Dictionary<string, string> LegacyGroups { get; } = [];

    /// <summary>APIResourceList per "v1", "apps/v1", ….</summary>
    public Dictionary<string, string> LegacyResourceLists { get; } = [];

    private static JsonObject Group(string group, List<string> versions) => new()
    {
        ["name"] = group,
        ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v })]),
        ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] },
    };

    private static JsonObject Aggregated(IEnumerable<IGrouping<(string Group, string Version), ResourceType>> groupVersions, List<RemoteGroupVersion> remote,
        List<string> order, bool core)
    {
        var byGroup = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        var groupOrder = new List<string>();
        JsonArray VersionsOf(string group)
        {
            if (!byGroup.TryGetValue(group, out var versions))
            {
                byGroup[group] = versions = [];
                groupOrder.Add(group);
            }
            return versions;
        }
        foreach (var gv in groupVersions)
        {
            VersionsOf(gv.Key.Group).Add(new JsonObject
            {
                ["version"] = gv.Key.Version,
                ["resources"] = new JsonArray([.. gv.Select(r => (JsonNode)AggregatedResource(r))]),
                ["freshness"] = "Current",
            });
        }
        foreach (var r in DiscoveryOrdering.Versions(remote))
        {
            VersionsOf(r.Group).Add(new JsonObject
            {
                ["version"] = r.Version,
                ["resources"] = RemoteResources.ToAggregated(r.Group, r.Version, r.Resources),
                ["freshness"] = r.Fresh ? "Current" : "Stale",
            });
        }
        var items = new JsonArray();
        foreach (var group in core ? groupOrder : order)
        {
            items.Add(new JsonObject
            {
                ["metadata"] = core ? new JsonObject() : new JsonObject { ["name"] = group },
                ["versions"] = VersionsOf(group),
            });
        }
        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = "apidiscovery.k8s.io/v2",
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    private static JsonObject AggregatedResource(ResourceType r)
    {
        var resource = new JsonObject
        {
            ["resource"] = r.Plural,
            ["responseKind"] = Gvk(r.Group, r.Version, r.Kind),
            ["scope"] = r.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = r.Singular,
            ["verbs"] = Strings(r.Verbs),
        };
        if (r.ShortNames.Count > 0)
        {
            resource["shortNames"] = Strings(r.ShortNames);
        }
        if (r.Categories.Count > 0)
        {
            resource["categories"] = Strings(r.Categories);
        }
        if (r.Subresources.Count > 0)
        {
            resource["subresources"] = new JsonArray([.. r.Subresources.Select(s => (JsonNode)new JsonObject
            {
                ["subresource"] = s.Name,
                ["responseKind"] = Gvk(s.Group, s.Version, s.Kind),
                ["verbs"] = Strings(s.Verbs),
            })]);
        }
        return resource;
    }

    private static JsonObject ResourceList(string groupVersion, IEnumerable<ResourceType> resources)
    {
        var list = new JsonArray();
        foreach (var r in resources)
        {
            var entry = new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Singular,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = Strings(r.Verbs),
            };
            if (r.ShortNames.Count > 0)
            {
                entry["shortNames"] = Strings(r.ShortNames);
            }
            if (r.Categories.Count > 0)
            {
                entry["categories"] = Strings(r.Categories);
            }
            list.Add(entry);
            foreach (var s in r.Subresources)
            {
                var sub = new JsonObject
                {
                    ["name"] = $"{r.Plural}/{s.Name}",
                    ["singularName"] = "",
                    ["namespaced"] = r.Namespaced,
                    ["kind"] = s.Kind,
                    ["verbs"] = Strings(s.Verbs),
                };
                if (s.Group != r.Group || s.Version != r.Version)
                {
                    sub["group"] = s.Group;
                    sub["version"] = s.Version;
                }
                list.Add(sub);
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = groupVersion,
            ["resources"] = list,
        };
    }

    private static JsonObject Gvk(string group, string version, string kind) =>
        new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);
}
