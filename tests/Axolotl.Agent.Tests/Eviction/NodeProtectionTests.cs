using Axolotl.Agent.Eviction;
using Axolotl.Api.Core;
using Axolotl.Api.Resources;

namespace Axolotl.Agent.Tests.Eviction;

public sealed class NodeProtectionTests
{
    private static readonly Dictionary<string, Quantity> Capacity = new(StringComparer.Ordinal)
    {
        ["cpu"] = Quantity.FromUnits(2),
        ["memory"] = Quantity.FromBytes(4L << 30),
        ["ephemeral-storage"] = Quantity.FromBytes(100L << 30),
        ["pods"] = Quantity.FromUnits(110),
    };

    [Fact]
    public void Allocatable_is_capacity_minus_reserved_minus_the_hard_thresholds_and_the_pods_cgroup_keeps_the_threshold()
    {
        var config = EvictionConfigParser.Parse(name => name switch
        {
            "system-reserved" => "cpu=500m,memory=1Gi",
            "kube-reserved" => "memory=512Mi",
            _ => null,
        });

        var allocatable = NodeAllocatable.Compute(Capacity, config);

        Assert.Equal((4L << 30) - (1L << 30) - (512L << 20) - (100L << 20), allocatable["memory"].Value());
        Assert.Equal("1500m", allocatable["cpu"].ToString());
        // 10% is a float32 fraction, as upstream's ThresholdValue.Percentage: 0.1f of 100Gi is 160 bytes more than a tenth.
        Assert.Equal((100L << 30) - (long)((100L << 30) * (double)0.1f), allocatable["ephemeral-storage"].Value());
        Assert.Equal("110", allocatable["pods"].ToString());
        Assert.Equal((4L << 30) - (1L << 30) - (512L << 20), NodeAllocatable.PodsMemoryLimit(4L << 30, config));
    }

    [Fact]
    public void Reserving_more_than_the_node_has_is_refused_with_the_kubelets_message()
    {
        var config = EvictionConfigParser.Parse(name => name == "system-reserved" ? "memory=5Gi" : null);
        var e = Assert.Throws<ArgumentException>(() => NodeAllocatable.Validate(Capacity, config));
        Assert.StartsWith("invalid Node Allocatable configuration. Resource \"memory\" has an allocatable of", e.Message);
    }

    [Fact]
    public void Oom_scores_follow_the_qos_class_as_the_kubelet_computes_them()
    {
        const long capacity = 4L << 30;
        Assert.Equal(-997, Score(EvictionRankingTests.PodOf("g", "100Mi", "100Mi"), capacity));
        Assert.Equal(1000, Score(EvictionRankingTests.PodOf("be"), capacity));
        // 1 GiB of 4 GiB requested: 1000 − 250.
        Assert.Equal(750, Score(EvictionRankingTests.PodOf("b", "1Gi"), capacity));
        // Tiny request: 1000 would equal BestEffort, so 999; a huge one stops at 3, above every Guaranteed container.
        Assert.Equal(999, Score(EvictionRankingTests.PodOf("tiny", "1Ki"), capacity));
        Assert.Equal(3, Score(EvictionRankingTests.PodOf("huge", "4Gi", "8Gi"), capacity));
    }

    private static int Score(Pod pod, long capacity) => OomScore.ForContainer(pod, pod.Spec!.Containers[0], capacity);

    [Fact]
    public void Under_memory_pressure_only_BestEffort_pods_are_refused_and_under_disk_pressure_all_are()
    {
        Assert.Null(Admit([], EvictionRankingTests.PodOf("be")));
        Assert.Equal("The node had condition: [MemoryPressure]. ", Admit(["MemoryPressure"], EvictionRankingTests.PodOf("be"))?.Message);
        Assert.Null(Admit(["MemoryPressure"], EvictionRankingTests.PodOf("b", "10Mi")));
        var tolerating = EvictionRankingTests.PodOf("be");
        tolerating.Spec!.Tolerations = [new Toleration { Key = "node.kubernetes.io/memory-pressure", Operator = "Exists", Effect = "NoSchedule" }];
        Assert.Null(Admit(["MemoryPressure"], tolerating));
        Assert.Equal(("Evicted", "The node had condition: [DiskPressure]. "), Admit(["DiskPressure"], EvictionRankingTests.PodOf("b", "10Mi")) is { } r ? (r.Reason, r.Message) : default);
        Assert.Null(Admit(["DiskPressure"], EvictionRankingTests.PodOf("critical", priority: PodResources.SystemCriticalPriority)));
    }

    private static PodRejection? Admit(IReadOnlyList<string> conditions, Pod pod) => EvictionManager.AdmitUnder(conditions, pod);
}
