using Axolotl.Agent.Probes;
using Axolotl.Api.Annotations;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Tests.Probes;

public sealed class ProbeTimingTests
{
    [Fact]
    public void Unset_fields_take_the_upstream_defaults()
    {
        var timing = ProbeTiming.Of(new Probe(), null);
        Assert.Equal(new ProbeTiming(TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), 1, 3), timing);
    }

    [Fact]
    public void A_container_annotation_wins_over_the_pod_wide_one()
    {
        var annotations = new Dictionary<string, string>
        {
            ["probes.axolotl.io/liveness"] = "period=500ms",
            ["probes.axolotl.io/web.liveness"] = "period=250ms, timeout=100ms",
        };
        Assert.Equal(TimeSpan.FromMilliseconds(250), ProbeTimingAnnotation.For(annotations, "web", "liveness")!.Period);
        Assert.Equal(TimeSpan.FromMilliseconds(500), ProbeTimingAnnotation.For(annotations, "sidecar", "liveness")!.Period);
        Assert.Null(ProbeTimingAnnotation.For(annotations, "web", "readiness"));
        var timing = ProbeTiming.Of(new Probe { PeriodSeconds = 10, InitialDelaySeconds = 3 }, ProbeTimingAnnotation.For(annotations, "web", "liveness"));
        Assert.Equal(TimeSpan.FromMilliseconds(100), timing.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(3), timing.InitialDelay);
    }

    [Theory]
    [InlineData("period=50ms", "period: must be at least 100ms")]
    [InlineData("timeout=5ms", "timeout: must be at least 20ms")]
    [InlineData("period=fast", "period: \"fast\" is not a duration such as 250ms or 1.5s")]
    [InlineData("interval=1s", "unknown setting \"interval\" (known: period, timeout, initialDelay)")]
    [InlineData("", "no settings (expected e.g. period=250ms,timeout=100ms)")]
    [InlineData("period", "\"period\" is not name=duration (names: period, timeout, initialDelay)")]
    public void Bad_values_are_rejected_with_a_reason(string value, string error)
    {
        Assert.False(ProbeTimingAnnotation.TryParse(value, out _, out var message));
        Assert.Equal(error, message);
    }

    [Fact]
    public void Durations_accept_fractions_and_minutes()
    {
        Assert.True(ProbeTimingAnnotation.TryParse("period=1.5s,initialDelay=1m,timeout=250ms", out var timing, out _));
        Assert.Equal(new ProbeTimingAnnotation(TimeSpan.FromSeconds(1.5), TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1)), timing);
    }
}
