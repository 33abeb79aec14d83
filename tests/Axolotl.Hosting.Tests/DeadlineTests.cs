using Axolotl.Testing;

namespace Axolotl.Hosting.Tests;

public sealed class DeadlineTests
{
    [Fact]
    public void Passes_on_the_given_clock_and_not_before()
    {
        var clock = new FakeTimeProvider();
        using var deadline = Deadline.After(TimeSpan.FromSeconds(10), clock, CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(deadline.Token.IsCancellationRequested);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.True(deadline.Passed);
    }

    [Fact]
    public void Either_outer_token_cancels_it_without_the_deadline_having_passed()
    {
        var clock = new FakeTimeProvider();
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        using var deadline = Deadline.After(TimeSpan.FromSeconds(10), clock, first.Token, second.Token);

        second.Cancel();

        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.False(deadline.Passed);
    }

    [Fact]
    public void An_infinite_delay_never_passes()
    {
        var clock = new FakeTimeProvider();
        using var deadline = Deadline.After(Timeout.InfiniteTimeSpan, clock, CancellationToken.None);

        clock.Advance(TimeSpan.FromDays(365));

        Assert.False(deadline.Token.IsCancellationRequested);
    }
}
