using Axolotl.Agent.Restart;

namespace Axolotl.Agent.Tests.Restart;

public class GoDurationTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(10_000, "10s")]
    [InlineData(80_000, "1m20s")]
    [InlineData(160_000, "2m40s")]
    [InlineData(300_000, "5m0s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(500, "500ms")]
    [InlineData(-2_000, "-2s")]
    public void DurationsPrintAsGoPrintsThem(int milliseconds, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
