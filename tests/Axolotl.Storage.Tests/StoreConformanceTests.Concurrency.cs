namespace Axolotl.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task Concurrent_writers_get_unique_increasing_revisions_and_every_watcher_sees_every_event_in_order()
    {
        const int Writers = 8;
        const int PerWriter = 200;
        const int Total = Writers * PerWriter;
        var store = await CreateStoreAsync(watchChannelCapacity: Total);
        await using var early = store.WatchAsync("/pods/", 0, Ct).GetAsyncEnumerator(Ct);
        var earlyEvents = Task.Run(() => TakeAsync(early, Total));
        using var halfway = new SemaphoreSlim(0);

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var revisions = new List<long>(PerWriter);
            for (var i = 0; i < PerWriter; i++)
            {
                revisions.Add((await store.CreateAsync($"/pods/ns{w}/p{i:D4}", Bytes($"{w}/{i}"), Ct)).ModRevision);
                if (w == 0 && i == PerWriter / 2)
                {
                    halfway.Release();
                }
            }

            return revisions;
        })).ToList();

        // A second watcher joins while writes are in flight: its replay must hand over to live events
        // without a gap or a duplicate.
        await halfway.WaitAsync(Ct);
        await using var late = store.WatchAsync("/pods/", 0, Ct).GetAsyncEnumerator(Ct);
        var lateEvents = await TakeAsync(late, Total);

        var perWriter = await Task.WhenAll(writers);
        foreach (var revisions in perWriter)
        {
            Assert.True(revisions.SequenceEqual(revisions.Order()), "a writer saw its own revisions go backwards");
        }

        var all = perWriter.SelectMany(r => r).Order().ToList();
        Assert.Equal(Total, all.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, Total).Select(i => R(i)), all);
        Assert.Equal(R(Total), store.CurrentRevision);
        Assert.Equal(all, (await earlyEvents).Select(e => e.Entry.ModRevision));
        Assert.Equal(all, lateEvents.Select(e => e.Entry.ModRevision));
        Assert.All(lateEvents, e => Assert.Equal(StoreEventType.Added, e.Type));
    }

    [Fact]
    public async Task Concurrent_updates_of_one_key_let_exactly_one_writer_win_each_revision()
    {
        var store = await CreateStoreAsync();
        var created = await store.CreateAsync("/leases/ns/leader", Bytes("none"), Ct);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            try
            {
                await store.UpdateAsync("/leases/ns/leader", Bytes($"w{w}"), created.ModRevision, Ct);
                return true;
            }
            catch (RevisionConflictException)
            {
                return false;
            }
        })));

        Assert.Equal(1, attempts.Count(won => won));
        Assert.Equal(R(2), store.CurrentRevision);
    }
}
