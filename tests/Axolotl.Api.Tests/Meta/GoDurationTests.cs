using Axolotl.Api.Meta;

namespace Axolotl.Api.Tests.Meta;

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

    [Theory]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0", 0)]
    [InlineData("1.5s", 1_500)]
    public void DurationsParseAsGoParsesThem(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.Parse(text));

    [Theory]
    [InlineData("", "time: invalid duration \"\"")]
    [InlineData("5", "time: missing unit in duration \"5\"")]
    [InlineData("5x", "time: unknown unit \"x\" in duration \"5x\"")]
    [InlineData("1.2.3s", "time: invalid duration \"1.2.3s\"")]
    public void BadDurationsAreRefusedWithGosReason(string text, string reason)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var actual));
        Assert.Equal(reason, actual);
    }
}
