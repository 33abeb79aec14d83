using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Discovery;

/// <summary>
/// What discovery shows of aggregated API servers: each remote group/version with the resources its backend last
/// listed (its APIResourceList's <c>resources</c>; null while never fetched) and whether that list is current; and the
/// APIServices' priorities, which order groups and versions in /apis as kube-aggregator orders them.
/// <see cref="Version"/> changes whenever anything here does.
/// </summary>
public sealed record AggregatedApis(long Version, IReadOnlyList<RemoteGroupVersion> Remote, IReadOnlyDictionary<string, int> GroupPriorities,
    IReadOnlyDictionary<string, int> VersionPriorities)
{
    public static AggregatedApis None { get; } = new(0, [], new Dictionary<string, int>(), new Dictionary<string, int>());
}

/// <summary>One remote group/version: its priorities, its backend's resources (null: never fetched), and whether they are current.</summary>
public sealed record RemoteGroupVersion(string Group, string Version, int GroupPriorityMinimum, int VersionPriority, JsonArray? Resources, bool Fresh);
