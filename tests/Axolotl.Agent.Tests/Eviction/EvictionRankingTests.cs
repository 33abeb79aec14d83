using Axolotl.Agent.Eviction;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;

namespace Axolotl.Agent.Tests.Eviction;

public sealed class EvictionRankingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static Pod PodOf(string name, string? request = null, string? limit = null, int? priority = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Uid = name + "-uid" },
        Spec = new PodSpec
        {
            Priority = priority,
            Containers =
            [
                new Container
                {
                    Name = name == "hog" ? "hog" : "main",
                    Resources = new ResourceRequirements
                    {
                        Requests = request is null ? null : new Dictionary<string, Quantity> { ["memory"] = Quantity.Parse(request), ["cpu"] = Quantity.Parse("100m") },
                        Limits = limit is null ? null : new Dictionary<string, Quantity> { ["memory"] = Quantity.Parse(limit), ["cpu"] = Quantity.Parse("100m") },
                    },
                },
            ],
        },
    };

    private static PodUsage Using(Pod pod, string memory) =>
        new([new ContainerUsage(pod.Spec!.Containers[0].Name, Quantity.Parse(memory).Value(), 0, 0, 0)], 0, 0, 1);

    [Fact]
    public void Memory_pressure_ranks_pods_over_their_requests_first_then_by_priority_then_by_usage_above_the_request()
    {
        var guaranteed = PodOf("guaranteed", "200Mi", "200Mi");
        var burstableWithin = PodOf("burstable-within", "300Mi");
        var burstableOver = PodOf("burstable-over", "10Mi");
        var bestEffortSmall = PodOf("besteffort-small");
        var bestEffortBig = PodOf("besteffort-big");
        var important = PodOf("important", priority: 1000);

        var ranked = EvictionRanking.Rank(EvictionSignals.MemoryAvailable,
        [
            (guaranteed, Using(guaranteed, "190Mi")),
            (burstableWithin, Using(burstableWithin, "250Mi")),
            (important, Using(important, "900Mi")),
            (bestEffortSmall, Using(bestEffortSmall, "20Mi")),
            (burstableOver, Using(burstableOver, "100Mi")),
            (bestEffortBig, Using(bestEffortBig, "400Mi")),
        ]).Select(p => p.Pod.Metadata.Name);

        // Within their requests, the one closest to (least below) its request goes first: 190 of 200Mi before 250 of 300Mi.
        Assert.Equal(["besteffort-big", "burstable-over", "besteffort-small", "important", "guaranteed", "burstable-within"], ranked);
    }

    [Fact]
    public void A_pod_without_stats_comes_first()
    {
        var measured = PodOf("measured");
        var unknown = PodOf("unknown", "1Gi", "1Gi");
        var ranked = EvictionRanking.Rank(EvictionSignals.AllocatableMemoryAvailable, [(measured, Using(measured, "500Mi")), (unknown, null)]);
        Assert.Equal("unknown", ranked[0].Pod.Metadata.Name);
    }

    [Fact]
    public void The_eviction_message_is_the_kubelets()
    {
        var hog = PodOf("hog");
        var observations = new Dictionary<string, SignalObservation>(StringComparer.Ordinal)
        {
            [EvictionSignals.AllocatableMemoryAvailable] = new(Quantity.FromBytes(91820L * 1024), Quantity.Parse("600Mi"), T0),
        };
        var thresholds = EvictionConfig.Default.Thresholds.Where(t => t.Signal == EvictionSignals.AllocatableMemoryAvailable).ToList();

        var message = EvictionMessages.Evicted("memory", hog, Using(hog, "1234Ki"), thresholds, observations);

        Assert.Equal("The node was low on resource: memory. Threshold quantity: 100Mi, available: 91820Ki. Container hog was using 1234Ki, request is 0, has larger consumption of memory. ", message);
    }

    [Fact]
    public void A_container_within_its_request_is_not_named()
    {
        var pod = PodOf("web", "64Mi");
        var observations = new Dictionary<string, SignalObservation>(StringComparer.Ordinal)
        {
            [EvictionSignals.MemoryAvailable] = new(Quantity.Parse("50Mi"), Quantity.Parse("1Gi"), T0),
        };
        var thresholds = EvictionConfig.Default.Thresholds.Take(1).ToList();

        Assert.Equal("The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. ",
            EvictionMessages.Evicted("memory", pod, Using(pod, "10Mi"), thresholds, observations));
        Assert.Equal("The node had condition: [MemoryPressure]. ", EvictionMessages.NodeHadCondition(["MemoryPressure"]));
    }
}
