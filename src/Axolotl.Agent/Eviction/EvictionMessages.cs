using System.Text;
using Axolotl.Api.Core;
using Axolotl.Api.Resources;

namespace Axolotl.Agent.Eviction;

/// <summary>The kubelet's wording for evictions and refusals (pkg/kubelet/eviction/helpers.go).</summary>
public static class EvictionMessages
{
    public const string Reason = "Evicted";

    /// <summary>The DisruptionTarget condition's reason for a pod the kubelet evicts.</summary>
    public const string TerminationByKubelet = "TerminationByKubelet";

    /// <summary>
    /// "The node was low on resource: memory. Threshold quantity: 100Mi, available: 91820Ki. Container
    /// hog was using 1234Ki, request is 0, has larger consumption of memory. " (upstream evictionMessage).
    /// </summary>
    public static string Evicted(string resource, Pod pod, PodUsage? usage, IReadOnlyList<Threshold> thresholds, IReadOnlyDictionary<string, SignalObservation> observations)
    {
        var message = new StringBuilder($"The node was low on resource: {resource}. ");
        if (EvictionTracker.MetInfo(resource, thresholds, observations) is { } info)
        {
            message.Append($"Threshold quantity: {info.Quantity}, available: {info.Available}. ");
        }
        if (usage is null)
        {
            return message.ToString();
        }
        var spec = pod.Spec ?? new PodSpec();
        var containers = spec.Containers.Concat(spec.InitContainers ?? []).ToList();
        foreach (var stats in usage.Containers)
        {
            var container = containers.FirstOrDefault(c => c.Name == stats.Name);
            if (container is null)
            {
                continue;
            }
            long? used = resource switch
            {
                "memory" => stats.MemoryWorkingSetBytes,
                "ephemeral-storage" => stats.RootfsBytes + stats.LogsBytes,
                _ => null,
            };
            var request = PodResources.RequestOf(container, resource);
            if (used is { } bytes && Quantity.FromBytes(bytes) > request)
            {
                message.Append($"Container {container.Name} was using {Quantity.FromBytes(bytes)}, request is {request}, has larger consumption of {resource}. ");
            }
        }
        return message.ToString();
    }

    /// <summary>Why a pod is refused under pressure: "The node had condition: [MemoryPressure]. " (nodeConditionMessageFmt).</summary>
    public static string NodeHadCondition(IReadOnlyList<string> conditions) => $"The node had condition: [{string.Join(' ', conditions)}]. ";

    /// <summary>The status message of a pod the kubelet refused (rejectPod).</summary>
    public static string Rejected(string message) => "Pod was rejected: " + message;
}
