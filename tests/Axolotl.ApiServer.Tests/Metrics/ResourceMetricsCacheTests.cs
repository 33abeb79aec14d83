using Axolotl.Api.Metrics;
using Axolotl.ApiServer.Metrics;

namespace Axolotl.ApiServer.Tests.Metrics;

public sealed class ResourceMetricsCacheTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static ResourceStatsSummary Summary(DateTimeOffset at, long nodeCpu, params (string Uid, string Container, string Id, long Cpu, long Memory)[] containers) =>
        new(at, new ResourceSample(nodeCpu, 2L << 30),
            [.. containers.GroupBy(c => c.Uid).Select(g => new PodResourceSample("default", "pod-" + g.Key, g.Key,
                [.. g.Select(c => new ContainerResourceSample(c.Container, c.Id, new ResourceSample(c.Cpu, c.Memory)))]))]);

    [Fact]
    public void One_reading_is_not_a_rate_yet()
    {
        var cache = new ResourceMetricsCache();
        cache.Record("n1", Summary(T0, 1_000, ("u1", "main", "c1", 0, 4096)));

        Assert.Null(cache.Node("n1"));
        Assert.Empty(cache.Pods());
    }

    [Fact]
    public void Cpu_is_the_rate_between_two_readings_in_nanocores_and_memory_the_newer_working_set()
    {
        var cache = new ResourceMetricsCache();
        cache.Record("n1", Summary(T0, 0, ("u1", "main", "c1", 1_000_000_000, 4096)));
        cache.Record("n1", Summary(T0.AddSeconds(10), 20_000_000_000, ("u1", "main", "c1", 6_000_000_000, 8192)));

        var node = cache.Node("n1")!;
        Assert.Equal("2", node.Usage["cpu"].ToString()); // 20 s of CPU in 10 s: two cores
        Assert.Equal("2Gi", node.Usage["memory"].ToString());
        Assert.Equal("10s", node.Window);
        var pod = cache.Pods()["u1"];
        Assert.Equal("500m", pod.Containers[0].Usage["cpu"].ToString());
        Assert.Equal("8Ki", pod.Containers[0].Usage["memory"].ToString());
        Assert.Equal(T0.AddSeconds(10), pod.Timestamp);
    }

    [Fact]
    public void A_restarted_container_has_no_rate_until_its_next_reading()
    {
        var cache = new ResourceMetricsCache();
        cache.Record("n1", Summary(T0, 0, ("u1", "main", "c1", 5_000_000_000, 4096)));
        cache.Record("n1", Summary(T0.AddSeconds(15), 1, ("u1", "main", "c2", 1_000, 4096)));

        Assert.Empty(cache.Pods());
    }

    [Fact]
    public void A_forgotten_node_serves_nothing()
    {
        var cache = new ResourceMetricsCache();
        cache.Record("n1", Summary(T0, 0));
        cache.Record("n1", Summary(T0.AddSeconds(1), 1_000_000));
        cache.Forget("n1");

        Assert.Null(cache.Node("n1"));
    }

    [Theory]
    [InlineData(15_002, "15.002s")]
    [InlineData(60_500, "1m0.5s")]
    public void The_window_is_a_go_duration(int milliseconds, string expected) =>
        Assert.Equal(expected, ResourceMetricsCache.FormatWindow(TimeSpan.FromMilliseconds(milliseconds)));
}
