using Axolotl.Api.Core;
using Axolotl.Api.Policy;
using Axolotl.Controllers.Disruption;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.Disruption;

public sealed class DisruptionStatusTests
{
    private static Pod Pod(string name, bool ready, string app = "web", string phase = "Running", bool deleting = false) =>
        PodBuilder.Named(name, "ns").Labeled("app", app).DeletedAt(deleting ? DateTimeOffset.UnixEpoch : null).InPhase(phase).Ready(ready).Build();

    [Fact]
    public void Status_counts_covered_pods_their_healthy_ones_and_the_disruptions_left()
    {
        var budget = new PodDisruptionBudget
        {
            Metadata = new() { Name = "guard", Namespace = "ns", Generation = 2 },
            Spec = new PodDisruptionBudgetSpec { MinAvailable = IntOrString.FromString("50%"), Selector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } } },
        };
        Pod[] pods =
        [
            Pod("a", ready: true), Pod("b", ready: true), Pod("c", ready: true), Pod("d", ready: false),
            Pod("e", ready: true, deleting: true), Pod("f", ready: true, phase: "Succeeded"), Pod("g", ready: true, app: "other"),
        ];

        var status = DisruptionReconciler.Compute(budget, pods);

        // a–e are covered (f finished, g not selected); a–c are healthy (e is going); ceil(50% of 5) = 3 must stay.
        Assert.Equal(5, status.ExpectedPods);
        Assert.Equal(3, status.CurrentHealthy);
        Assert.Equal(3, status.DesiredHealthy);
        Assert.Equal(0, status.DisruptionsAllowed);
        Assert.Equal(2, status.ObservedGeneration);
    }
}
