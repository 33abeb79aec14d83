using Axolotl.Controllers.Jobs;

namespace Axolotl.Controllers.Tests.Jobs;

public sealed class IndexSetTests
{
    [Theory]
    [InlineData(new int[0], "")]
    [InlineData(new[] { 0 }, "0")]
    [InlineData(new[] { 1, 3, 4, 5, 7 }, "1,3-5,7")]
    [InlineData(new[] { 5, 4, 3, 0, 1 }, "0-1,3-5")]
    public void Indexes_are_written_as_sorted_runs(int[] indexes, string text) => Assert.Equal(text, IndexSet.Format(indexes));

    [Fact]
    public void Parsing_keeps_indexes_below_completions_and_skips_garbage() =>
        Assert.Equal([1, 3, 4, 5, 9], IndexSet.Parse("1,3-5,x,9,12,7-x", completions: 10));
}
