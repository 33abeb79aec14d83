using System.Globalization;
using Axolotl.Api.Core;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// What a namespace's new enforce level would say about the pods already in it (upstream's
/// EvaluatePodsInNamespace): one warning that pods violate it, then one line per distinct violation
/// naming the lexically first pod and how many others share it. Pods of an exempt runtime class are
/// skipped, one pod per controller is judged before the rest, and at most a bounded number of pods
/// within a time budget are judged, which the first warning then says.
/// </summary>
public sealed class ExistingPods(PodSecurityEvaluator evaluator, PodSecurityConfiguration configuration, TimeProvider clock)
{
    public int MaxPods { get; init; } = 3000;

    public TimeSpan Budget { get; init; } = TimeSpan.FromSeconds(1);

    /// <param name="started">When the namespace request began (clock timestamp): listing the pods counts against the budget.</param>
    public List<string> Review(string ns, LevelVersion enforce, IReadOnlyList<Pod> pods, long started)
    {
        var prioritized = Prioritize(pods);
        var total = prioritized.Count;
        if (prioritized.Count > MaxPods)
        {
            prioritized = prioritized[..MaxPods];
        }
        var checkedPods = prioritized.Count;
        var reasons = new List<string>();
        var byReason = new Dictionary<string, (string FirstPod, int Count)>(StringComparer.Ordinal);
        for (var i = 0; i < prioritized.Count; i++)
        {
            var pod = prioritized[i];
            var result = evaluator.Evaluate(enforce, pod.Metadata, pod.Spec ?? new PodSpec());
            if (!result.IsAllowed)
            {
                var reason = result.ForbiddenReason();
                var name = pod.Metadata.Name ?? "";
                if (byReason.TryGetValue(reason, out var seen))
                {
                    byReason[reason] = (string.CompareOrdinal(name, seen.FirstPod) < 0 ? name : seen.FirstPod, seen.Count + 1);
                }
                else
                {
                    reasons.Add(reason);
                    byReason[reason] = (name, 1);
                }
            }
            if (clock.GetElapsedTime(started) >= Budget)
            {
                checkedPods = i + 1;
                break;
            }
        }
        var warnings = new List<string>();
        if (checkedPods < total)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"new PodSecurity enforce level only checked against the first {checkedPods} of {total} existing pods"));
        }
        if (reasons.Count > 0)
        {
            warnings.Add($"existing pods in namespace \"{ns}\" violate the new PodSecurity enforce level \"{enforce}\"");
        }
        warnings.AddRange(reasons.Select(reason => Decorate(reason, byReason[reason])).Order(StringComparer.Ordinal));
        return warnings;
    }

    private static string Decorate(string reason, (string FirstPod, int Count) pods) => pods.Count switch
    {
        1 => $"{pods.FirstPod}: {reason}",
        2 => $"{pods.FirstPod} (and 1 other pod): {reason}",
        _ => string.Create(CultureInfo.InvariantCulture, $"{pods.FirstPod} (and {pods.Count - 1} other pods): {reason}"),
    };

    /// <summary>Exempt runtime classes out; the first pod of each controller, then the other replicas.</summary>
    private List<Pod> Prioritize(IReadOnlyList<Pod> pods)
    {
        var first = new List<Pod>();
        var replicas = new List<Pod>();
        var controllers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (configuration.IsExemptRuntimeClass(pod.Spec?.RuntimeClassName))
            {
                continue;
            }
            var controller = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
            if (controller is null || controllers.Add(controller.Uid))
            {
                first.Add(pod);
            }
            else
            {
                replicas.Add(pod);
            }
        }
        return [.. first, .. replicas];
    }
}
