using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Scheduling;

/// <summary>scheduling.k8s.io/v1 PriorityClass: a name that pods give to get a priority (cluster-scoped). Upstream has no spec or status.</summary>
[Description("A name pods give in spec.priorityClassName to get this class's priority and preemption policy.")]
public sealed class PriorityClass : KubeObject
{
    [Description("The priority pods of this class get: higher is scheduled first and may preempt lower. At most 1000000000 for classes users create. Immutable.")]
    public int Value { get; set; }

    [Description("Whether pods that name no priority class get this one. Only one class may be the global default.")]
    public bool? GlobalDefault { get; set; }

    [Description("When this priority class should be used; for people, not read by the system.")]
    public string? Description { get; set; }

    [Description("PreemptLowerPriority (the default) or Never: whether pods of this class may preempt pods of lower priority. Immutable.")]
    public string? PreemptionPolicy { get; set; }
}
