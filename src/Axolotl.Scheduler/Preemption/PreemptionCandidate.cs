using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Preemption;

/// <summary>A node where the pod would fit once <see cref="Victims"/> are gone, and how many of them would break a PodDisruptionBudget.</summary>
public sealed record PreemptionCandidate(NodeInfo Node, IReadOnlyList<Pod> Victims, int DisruptionBudgetViolations)
{
    public string NodeName => Node.Name;
}
