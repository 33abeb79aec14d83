using Axolotl.Api.Core;
using Axolotl.Api.Resources;
using Axolotl.Controllers.PodAutoscaler;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.PodAutoscaler;

public sealed class ReplicaCalculatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static Pod Pod(string name, string cpuRequest = "100m", string phase = "Running", bool ready = true, TimeSpan? age = null, bool deleting = false) =>
        PodBuilder.Named(name, "ns").DeletedAt(deleting ? Now : null)
            .WithContainer("main").Requesting(cpu: cpuRequest)
            .InPhase(phase).StartedAt(Now - (age ?? TimeSpan.FromMinutes(10))).Ready(ready, since: Now - (age ?? TimeSpan.FromMinutes(10)) + TimeSpan.FromSeconds(5))
            .Build();

    private static Dictionary<string, PodUsage> Usage(params (string Pod, long Milli)[] usage) =>
        usage.ToDictionary(u => u.Pod, u => new PodUsage(new Dictionary<string, long> { ["main"] = u.Milli }, Now, TimeSpan.FromSeconds(15)));

    private static ReplicaCalculation Cpu(int current, int target, IReadOnlyList<Pod> pods, Dictionary<string, PodUsage> usage) =>
        new ReplicaCalculator().Calculate(current, "cpu", null, target, null, pods, usage, Now);

    [Fact]
    public void Usage_above_target_scales_up_by_the_ratio_rounded_up()
    {
        var result = Cpu(2, 50, [Pod("a"), Pod("b")], Usage(("a", 90), ("b", 90)));

        Assert.Equal(4, result.Replicas); // 90 % of request against 50 %: ceil(1.8 × 2)
        Assert.Equal(90, result.Utilization);
    }

    [Fact]
    public void Usage_within_the_ten_percent_tolerance_keeps_the_count()
    {
        Assert.Equal(3, Cpu(3, 50, [Pod("a"), Pod("b"), Pod("c")], Usage(("a", 54), ("b", 54), ("c", 54))).Replicas);
    }

    [Fact]
    public void Usage_below_target_scales_down()
    {
        Assert.Equal(1, Cpu(4, 50, [Pod("a"), Pod("b"), Pod("c"), Pod("d")], Usage(("a", 10), ("b", 10), ("c", 10), ("d", 10))).Replicas);
    }

    [Fact]
    public void A_missing_metric_counts_as_its_full_request_when_scaling_down()
    {
        // a and b idle at 10 %; c silent, assumed at 100 %: (10+10+100)/3 = 40 % against 50 % → ceil(0.8 × 3) = 3: no change.
        Assert.Equal(3, Cpu(3, 50, [Pod("a"), Pod("b"), Pod("c")], Usage(("a", 10), ("b", 10))).Replicas);
    }

    [Fact]
    public void A_missing_metric_counts_as_zero_when_scaling_up()
    {
        // a at 200 %: ratio 4; with b silent at 0 %: 100 % → ceil(2 × 2) = 4.
        Assert.Equal(4, Cpu(2, 50, [Pod("a"), Pod("b")], Usage(("a", 200))).Replicas);
    }

    [Fact]
    public void Pending_and_recently_started_unready_pods_count_as_zero_on_a_scale_up()
    {
        var pods = new[] { Pod("a"), Pod("b", phase: "Pending"), Pod("c", ready: false, age: TimeSpan.FromMinutes(1)) };

        // a at 100 %: ratio 2 over one ready pod; with b and c at 0: 33 % → below target, a reversal: keep 3.
        Assert.Equal(3, Cpu(3, 50, pods, Usage(("a", 100), ("c", 100))).Replicas);
    }

    [Fact]
    public void Deleted_and_failed_pods_are_ignored()
    {
        var pods = new[] { Pod("a"), Pod("b", deleting: true), Pod("c", phase: "Failed") };

        Assert.Equal(2, Cpu(3, 50, pods, Usage(("a", 100), ("b", 0), ("c", 0))).Replicas);
    }

    [Fact]
    public void A_container_without_a_request_is_an_error_with_upstreams_message()
    {
        var pod = Pod("a");
        pod.Spec!.Containers[0].Resources = null;

        var error = Assert.Throws<ReplicaCalculationException>(() => Cpu(1, 50, [pod], Usage(("a", 100))));
        Assert.Equal("missing request for cpu in container main of Pod a", error.Message);
    }

    [Fact]
    public void No_metrics_for_any_pod_is_an_error()
    {
        var error = Assert.Throws<ReplicaCalculationException>(() => Cpu(1, 50, [Pod("a", ready: false, age: TimeSpan.FromMinutes(1))], Usage(("a", 100))));
        Assert.Equal("did not receive metrics for targeted pods (pods might be unready)", error.Message);
    }

    [Fact]
    public void An_average_value_target_compares_the_raw_per_pod_average()
    {
        var usage = Usage(("a", 300_000), ("b", 100_000)); // millibytes: 300 and 100 bytes
        var result = new ReplicaCalculator().Calculate(2, "memory", null, null, 100_000, [Pod("a"), Pod("b")], usage, Now);

        Assert.Equal(4, result.Replicas); // average 200 against 100 → ceil(2 × 2)
        Assert.Null(result.Utilization);
        Assert.Equal(200_000, result.RawAverageMilli);
    }
}
