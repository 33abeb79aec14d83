using Axolotl.Api.Core;

namespace Axolotl.Agent.Eviction;

/// <summary>
/// Orders pods for eviction as the kubelet does (rankMemoryPressure, rankDiskPressureFunc,
/// rankPIDPressure): pods without stats first, then those whose usage exceeds their request, then
/// lower priority, then the largest usage above the request. A BestEffort pod requests nothing, so it
/// exceeds its request with any usage and comes before Burstable pods within their requests;
/// Guaranteed pods cannot exceed theirs.
/// </summary>
public static class EvictionRanking
{
    public static List<(Pod Pod, PodUsage? Usage)> Rank(string signal, IEnumerable<(Pod Pod, PodUsage? Usage)> pods)
    {
        var list = pods.ToList();
        return EvictionSignals.Resource(signal) switch
        {
            "memory" => Order(list, u => u.MemoryWorkingSetBytes, p => PodResources.Request(p, "memory").Value()),
            "ephemeral-storage" => Order(list, u => u.DiskBytes, p => PodResources.Request(p, "ephemeral-storage").Value()),
            "inodes" => Order(list, u => u.Inodes, _ => 0),
            _ => [.. list.OrderBy(p => PodResources.Priority(p.Pod)).ThenByDescending(p => p.Usage?.Processes ?? 0)],
        };
    }

    private static List<(Pod Pod, PodUsage? Usage)> Order(List<(Pod Pod, PodUsage? Usage)> pods, Func<PodUsage, long> usage, Func<Pod, long> request) =>
    [
        .. pods
            .OrderBy(p => p.Usage is null ? 0 : 1)
            .ThenBy(p => p.Usage is { } u && usage(u) > request(p.Pod) ? 0 : 1)
            .ThenBy(p => PodResources.Priority(p.Pod))
            .ThenByDescending(p => p.Usage is { } u ? usage(u) - request(p.Pod) : long.MaxValue),
    ];
}
