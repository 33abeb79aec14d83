namespace Axolotl.ApiServer.Discovery;

/// <summary>
/// Where aggregated API servers' groups and versions go in discovery, by their APIServices' priorities as
/// kube-aggregator sorts them: groups by groupPriorityMinimum (highest first, then by name), versions within a group
/// by versionPriority (highest first, then Kubernetes' version order). The groups this server serves keep their
/// order; a remote group goes before the first of them whose priority is lower.
/// </summary>
public static class DiscoveryOrdering
{
    public static List<string> Groups(IReadOnlyList<string> localGroups, IReadOnlyList<RemoteGroupVersion> remote, IReadOnlyDictionary<string, int> groupPriorities)
    {
        ArgumentNullException.ThrowIfNull(localGroups);
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(groupPriorities);
        // A local group without an APIService (before autoregistration ran) sorts with the group before it.
        var ordered = new List<(string Group, int Priority)>();
        var inherited = int.MaxValue;
        foreach (var group in localGroups)
        {
            inherited = groupPriorities.TryGetValue(group, out var priority) ? priority : inherited;
            ordered.Add((group, inherited));
        }
        var local = localGroups.ToHashSet(StringComparer.Ordinal);
        var remoteGroups = remote.Where(r => !local.Contains(r.Group)).GroupBy(r => r.Group)
            .Select(g => (Group: g.Key, Priority: groupPriorities.TryGetValue(g.Key, out var p) ? p : g.Max(r => r.GroupPriorityMinimum)))
            .OrderByDescending(g => g.Priority).ThenBy(g => g.Group, StringComparer.Ordinal);
        foreach (var group in remoteGroups)
        {
            var at = ordered.FindIndex(o => o.Priority < group.Priority || (o.Priority == group.Priority && !local.Contains(o.Group) && string.CompareOrdinal(o.Group, group.Group) > 0));
            ordered.Insert(at < 0 ? ordered.Count : at, group);
        }
        return [.. ordered.Select(o => o.Group)];
    }

    public static IEnumerable<RemoteGroupVersion> Versions(IEnumerable<RemoteGroupVersion> remote) =>
        remote.OrderBy(r => r.Group, StringComparer.Ordinal).ThenByDescending(r => r.VersionPriority).ThenBy(r => Api.Apiextensions.Definitions.VersionPriority.Key(r.Version));
}
