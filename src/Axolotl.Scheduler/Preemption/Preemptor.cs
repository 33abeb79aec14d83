using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Axolotl.Client.Events;
using Microsoft.Extensions.Logging;

namespace Axolotl.Scheduler.Preemption;

/// <summary>
/// Carries out what <see cref="DefaultPreemption"/> chose, as upstream's prepareCandidate: each victim gets
/// the DisruptionTarget condition (reason PreemptionByScheduler), is deleted gracefully (its own grace
/// period) and gets a Preempted event; then the preemptor's status.nominatedNodeName names the node, and
/// lower-priority pods nominated there lose their nomination, so the room goes to the preemptor.
/// </summary>
public sealed class Preemptor(KubeClient client, EventRecorder recorder, TimeProvider time, ILogger logger)
{
    public async Task PreemptAsync(Pod preemptor, PreemptionCandidate candidate, IReadOnlyList<Pod> nominated, string schedulerName, CancellationToken ct)
    {
        foreach (var victim in candidate.Victims)
        {
            await MarkAsync(victim, $"{preemptor.Spec?.SchedulerName ?? schedulerName}: preempting to accommodate a higher priority pod", ct);
            try
            {
                await client.Resource<Pod>().DeleteAsync(victim.Metadata.Namespace, victim.Metadata.Name ?? "", null, ct);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                // Gone already: the room is there.
            }
            recorder.Record(victim, "Normal", "Preempted", $"Preempted by pod {preemptor.Metadata.Uid} on node {candidate.NodeName}");
        }
        var priority = PodImportance.Priority(preemptor);
        foreach (var other in nominated.Where(p => p.Status?.NominatedNodeName == candidate.NodeName && PodImportance.Priority(p) < priority
            && p.Metadata.Uid != preemptor.Metadata.Uid))
        {
            await NominateAsync(other, null, ct);
        }
        await NominateAsync(preemptor, candidate.NodeName, ct);
    }

    /// <summary>Writes status.nominatedNodeName (null clears it).</summary>
    public async Task NominateAsync(Pod pod, string? node, CancellationToken ct)
    {
        var patch = new JsonObject { ["status"] = new JsonObject { ["nominatedNodeName"] = node } };
        try
        {
            await client.Resource<Pod>().PatchAsync(pod.Metadata.Namespace, pod.Metadata.Name ?? "", PatchType.Merge, patch.ToJsonString(), "status", ct);
        }
        catch (KubeApiException e)
        {
            // Gone or changed meanwhile; the next cycle nominates again if still needed.
            PreemptionLog.StatusWriteFailed(logger, e, $"{pod.Metadata.Namespace}/{pod.Metadata.Name}");
        }
    }

    private async Task MarkAsync(Pod victim, string message, CancellationToken ct)
    {
        var patch = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = PodImportance.DisruptionTarget,
                    ["status"] = "True",
                    ["lastTransitionTime"] = KubeTimeConverter.Format(time.GetUtcNow()),
                    ["reason"] = PodImportance.PreemptionByScheduler,
                    ["message"] = message,
                }),
            },
        };
        try
        {
            await client.Resource<Pod>().PatchAsync(victim.Metadata.Namespace, victim.Metadata.Name ?? "", PatchType.StrategicMerge, patch.ToJsonString(), "status", ct);
        }
        catch (KubeApiException e)
        {
            // Upstream deletes the victim even when the condition could not be written.
            PreemptionLog.StatusWriteFailed(logger, e, $"{victim.Metadata.Namespace}/{victim.Metadata.Name}");
        }
    }
}
