using Axolotl.Api.Batch;
using Axolotl.Api.Core;

namespace Axolotl.Controllers.Jobs;

/// <summary>The first podFailurePolicy rule a failed pod matches, and upstream's message for it.</summary>
internal static class PodFailurePolicies
{
    public readonly record struct Match(string Action, string Message);

    /// <summary>The matching rule's action and message, or null (count the failure the default way).</summary>
    public static Match? Evaluate(PodFailurePolicy? policy, Pod pod)
    {
        if (policy is null || pod.Status?.Phase != "Failed")
        {
            return null;
        }
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            var rule = policy.Rules[i];
            if (rule.OnExitCodes is { } exitCodes && MatchingContainer(exitCodes, pod) is { } container)
            {
                return new Match(rule.Action,
                    $"Container {container.Name} for pod {pod.Metadata.Namespace}/{pod.Metadata.Name} failed with exit code {container.State!.Terminated!.ExitCode} matching {rule.Action} rule at index {i}");
            }
            if (rule.OnPodConditions is { } patterns)
            {
                foreach (var pattern in patterns)
                {
                    var status = string.IsNullOrEmpty(pattern.Status) ? "True" : pattern.Status;
                    if (pod.Status?.Conditions?.Any(c => c.Type == pattern.Type && c.Status == status) == true)
                    {
                        return new Match(rule.Action, $"Pod {pod.Metadata.Namespace}/{pod.Metadata.Name} has condition {pattern.Type} matching {rule.Action} rule at index {i}");
                    }
                }
            }
        }
        return null;
    }

    private static ContainerStatus? MatchingContainer(PodFailurePolicyOnExitCodesRequirement requirement, Pod pod)
    {
        // Init containers first, as upstream looks at them first; exit code 0 never matches.
        var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []);
        foreach (var status in statuses)
        {
            if (requirement.ContainerName is { } name && status.Name != name)
            {
                continue;
            }
            if (status.State?.Terminated is not { ExitCode: not 0 } terminated)
            {
                continue;
            }
            var listed = requirement.Values.Contains(terminated.ExitCode);
            if (requirement.Operator == "In" ? listed : requirement.Operator == "NotIn" && !listed)
            {
                return status;
            }
        }
        return null;
    }
}
