using Axolotl.Agent.Status;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Tests.Eviction;

public sealed class EvictedPodStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static Pod Pod() => new()
    {
        Metadata = new() { Name = "hog", Namespace = "default", Uid = "u1" },
        Spec = new PodSpec { Containers = [new Container { Name = "hog", Image = "axolotl/memory-hog" }] },
    };

    [Fact]
    public void An_evicted_pod_is_Failed_with_reason_Evicted_and_the_DisruptionTarget_condition_first()
    {
        const string message = "The node was low on resource: memory. ";
        var observed = new ObservedPod
        {
            StartTime = Now.AddMinutes(-1),
            Terminal = true,
            FailureReason = "Evicted",
            FailureMessage = message,
            DisruptionTarget = new PodCondition { Type = "DisruptionTarget", Status = "True", Reason = "TerminationByKubelet", Message = message, LastTransitionTime = Now },
        };
        observed.Containers["hog"] = new ObservedContainer { Name = "hog", Terminated = new ContainerTermination(143, null, "Error", null, Now.AddSeconds(-30), Now, "c1") };

        var status = PodStatusComputer.Compute(Pod(), observed, null, Now);

        Assert.Equal(("Failed", "Evicted", message), (status.Phase, status.Reason, status.Message));
        var disruption = status.Conditions![0];
        Assert.Equal(("DisruptionTarget", "True", "TerminationByKubelet", message), (disruption.Type, disruption.Status, disruption.Reason, disruption.Message));
        Assert.Equal("BestEffort", status.QosClass);
    }

    [Fact]
    public void A_pod_refused_at_admission_keeps_only_its_scheduling_condition_and_shows_no_containers()
    {
        var previous = new PodStatus { Phase = "Pending", Conditions = [new PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = Now.AddSeconds(-1) }] };
        var observed = new ObservedPod { Rejected = true, Terminal = true, FailureReason = "Evicted", FailureMessage = "Pod was rejected: The node had condition: [MemoryPressure]. " };

        var status = PodStatusComputer.Compute(Pod(), observed, previous, Now);

        Assert.Equal(("Failed", "Evicted", "Pod was rejected: The node had condition: [MemoryPressure]. "), (status.Phase, status.Reason, status.Message));
        Assert.Null(status.ContainerStatuses);
        Assert.Null(status.StartTime);
        Assert.Equal("PodScheduled", Assert.Single(status.Conditions!).Type);
    }
}
