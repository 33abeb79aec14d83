using Axolotl.ApiServer.Printing;

namespace Axolotl.ApiServer.Tests.Printing;

public class HumanDurationTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(5, "5s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(123, "2m3s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 - 1, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(3 * 3600 + 12 * 60, "3h12m")]
    [InlineData(8 * 3600 + 59 * 60, "8h")]
    [InlineData(47 * 3600, "47h")]
    [InlineData(2 * 86400 + 3 * 3600, "2d3h")]
    [InlineData(7 * 86400, "7d")]
    [InlineData(45 * 86400, "45d")]
    [InlineData(729 * 86400, "729d")]
    [InlineData(730 * 86400, "2y")]
    [InlineData(800 * 86400, "2y70d")]
    [InlineData(3000 * 86400, "8y")]
    public void FormatsLikeUpstreamHumanDuration(long seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void OneSecondInTheFutureCountsAsNow() =>
        Assert.Equal("0s", HumanDuration.Format(TimeSpan.FromSeconds(-1.5)));

    [Fact]
    public void FurtherInTheFutureIsInvalid() =>
        Assert.Equal("<invalid>", HumanDuration.Format(TimeSpan.FromSeconds(-2)));

    [Fact]
    public void AgeWithoutATimestampIsUnknown() =>
        Assert.Equal("<unknown>", HumanDuration.Since(null, Printed.Now));
}
