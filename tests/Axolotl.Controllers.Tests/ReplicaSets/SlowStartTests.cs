using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.Tests.ReplicaSets;

public sealed class SlowStartTests
{
    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(7, new[] { 1, 2, 4 })]
    [InlineData(10, new[] { 1, 2, 4, 3 })]
    [InlineData(0, new int[0])]
    public async Task Calls_go_out_in_doubling_batches_capped_by_what_remains(int count, int[] batches)
    {
        var calls = 0;
        var (successes, error) = await SlowStart.RunAsync(count, _ =>
        {
            Interlocked.Increment(ref calls);
            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(count, successes);
        Assert.Null(error);
        Assert.Equal(batches.Sum(), calls);
    }

    [Fact]
    public async Task The_first_failing_batch_ends_the_run_and_the_rest_is_never_tried()
    {
        var calls = 0;
        var (successes, error) = await SlowStart.RunAsync(20, _ =>
            Interlocked.Increment(ref calls) == 5 ? throw new InvalidOperationException("quota") : Task.CompletedTask,
            CancellationToken.None);

        // 1 + 2 succeed, the batch of 4 has one failure, the batch of 8 never starts.
        Assert.Equal(7, calls);
        Assert.Equal(6, successes);
        Assert.Equal("quota", error?.Message);
    }
}
