using Axolotl.Agent.Eviction;

namespace Axolotl.Agent.Tests.Eviction;

public sealed class EvictionConfigParserTests
{
    private static EvictionConfig Parse(params (string Name, string Value)[] flags) =>
        EvictionConfigParser.Parse(name => flags.FirstOrDefault(f => f.Name == name).Value);

    [Fact]
    public void Without_flags_the_kubelets_defaults_apply_and_allocatable_memory_follows_the_hard_memory_threshold()
    {
        var config = Parse();

        Assert.Equal(
            ["memory.available<100Mi", "nodefs.available<10%", "imagefs.available<15%", "nodefs.inodesFree<5%", "allocatableMemory.available<100Mi"],
            config.Thresholds.Select(t => $"{t.Signal}<{t.Value}"));
        Assert.All(config.Thresholds, t => Assert.True(t.IsHard));
        Assert.Equal(TimeSpan.FromMinutes(5), config.PressureTransitionPeriod);
        Assert.Equal(TimeSpan.FromSeconds(10), config.MonitoringInterval);
        Assert.True(config.Reserved("memory").IsZero);
    }

    [Fact]
    public void Hard_soft_grace_periods_minimum_reclaim_and_reserved_resources_are_read_as_the_kubelet_reads_them()
    {
        var config = Parse(
            ("eviction-hard", "memory.available<200Mi,nodefs.available<0%"),
            ("eviction-soft", "memory.available<1Gi"),
            ("eviction-soft-grace-period", "memory.available=1m30s"),
            ("eviction-minimum-reclaim", "memory.available=50Mi"),
            ("eviction-pressure-transition-period", "30s"),
            ("eviction-monitoring-interval", "500ms"),
            ("system-reserved", "cpu=500m,memory=1Gi"),
            ("kube-reserved", "memory=256Mi,pid=100"));

        // nodefs.available<0% means none; the other defaults are replaced, as the kubelet's flag does.
        Assert.Equal(["memory.available", "memory.available", "allocatableMemory.available"], config.Thresholds.Select(t => t.Signal));
        var soft = config.Thresholds[1];
        Assert.Equal(("1Gi", TimeSpan.FromSeconds(90), "50Mi"), (soft.Value.ToString(), soft.GracePeriod, soft.MinReclaim!.ToString()));
        Assert.Equal("50Mi", config.Thresholds[0].MinReclaim!.ToString());
        Assert.Equal(TimeSpan.FromSeconds(30), config.PressureTransitionPeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.MonitoringInterval);
        Assert.Equal((1L << 30) + (256L << 20), config.Reserved("memory").Value());
        Assert.Equal(500, config.Reserved("cpu").MilliValue());
    }

    [Theory]
    [InlineData("eviction-hard", "memory.free<1Gi", "invalid --eviction-hard \"memory.free<1Gi\": unsupported eviction signal memory.free")]
    [InlineData("eviction-hard", "memory.available<0", "invalid --eviction-hard \"memory.available<0\": eviction threshold memory.available must be positive: 0")]
    [InlineData("eviction-hard", "nodefs.available<120%", "invalid --eviction-hard \"nodefs.available<120%\": eviction percentage threshold nodefs.available must be <= 100%: 120%")]
    [InlineData("eviction-hard", "memory.available=1Gi", "invalid --eviction-hard \"memory.available=1Gi\": malformed pair, expect string<string")]
    [InlineData("eviction-soft", "memory.available<1Gi", "invalid --eviction-soft: grace period must be specified for the soft eviction threshold memory.available")]
    [InlineData("eviction-minimum-reclaim", "memory.available=-1Mi", "invalid --eviction-minimum-reclaim \"memory.available=-1Mi\": negative eviction minimum reclaim specified for memory.available")]
    [InlineData("system-reserved", "gpu=1", "invalid --system-reserved \"gpu=1\": cannot reserve \"gpu\" resource")]
    [InlineData("eviction-pressure-transition-period", "5x", "invalid --eviction-pressure-transition-period \"5x\": time: unknown unit \"x\" in duration \"5x\"")]
    public void Bad_values_are_refused_with_the_kubelets_reason(string flag, string value, string message)
    {
        var e = Assert.Throws<FormatException>(() => Parse((flag, value)));
        Assert.Equal(message, e.Message);
    }
}
