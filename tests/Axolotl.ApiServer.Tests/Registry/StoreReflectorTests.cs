using System.Text;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;
using Axolotl.Storage.Memory;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.Registry;

public sealed class StoreReflectorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(1000, 30)]
    public void The_backoff_doubles_from_one_second_and_stops_at_thirty(int failures, int seconds)
    {
        var reflector = new StoreReflector(new InMemoryStore(), "test", _ => { }, _ => { }, new FakeTimeProvider(), NullLogger.Instance) { ListPrefix = "/" };

        Assert.Equal(TimeSpan.FromSeconds(seconds), reflector.Backoff(failures));
    }

    [Fact]
    public async Task A_follower_that_fails_relists_after_the_backoff_and_keeps_following()
    {
        await using var store = new InMemoryStore();
        await store.CreateAsync("/things/a", Encoding.UTF8.GetBytes("{}"), CancellationToken.None);
        var clock = new FakeTimeProvider();
        var lists = 0;
        var applied = new TaskCompletionSource<StoreEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reflector = new StoreReflector(store, "test",
            list =>
            {
                if (++lists == 1)
                {
                    throw new InvalidOperationException("the follower's own bug");
                }
                Assert.Single(list.Items);
            },
            change => applied.TrySetResult(change), clock, NullLogger.Instance)
        { ListPrefix = "/things/" };
        using var stop = new CancellationTokenSource();
        var run = reflector.RunAsync(stop.Token);

        await clock.WaitForTimersAsync().WaitAsync(Deadline);
        Assert.False(reflector.Synced.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        await reflector.Synced.WaitAsync(Deadline);
        await store.CreateAsync("/things/b", Encoding.UTF8.GetBytes("{}"), CancellationToken.None);
        var change = await applied.Task.WaitAsync(Deadline);

        Assert.Equal(2, lists);
        Assert.Equal("/things/b", change.Entry.Key);
        await stop.CancelAsync();
        await run.WaitAsync(Deadline);
    }
}
