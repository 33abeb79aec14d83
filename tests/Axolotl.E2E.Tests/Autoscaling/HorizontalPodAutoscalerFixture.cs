using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Autoscaling;

/// <summary>
/// One server for <see cref="HorizontalPodAutoscalerTests"/>: the bad-autoscaler test creates nothing (every write is refused; it
/// ran on a server of its own without an agent), so it shares the scaling test's server rather than pay for a second start.
/// </summary>
public sealed class HorizontalPodAutoscalerFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--metric-resolution", "2s", "--horizontal-pod-autoscaler-sync-period", "2s"];
}
