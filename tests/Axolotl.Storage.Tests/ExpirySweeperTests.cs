using System.Text;
using Axolotl.Storage.Expiry;
using Axolotl.Storage.Sqlite;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Storage.Tests;

/// <summary>Events expire on a SQLite store as they would with an etcd lease: gone after the TTL, with a DELETED on the watch.</summary>
public sealed class ExpirySweeperTests : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);

    private readonly TempDirectory _directory = new();
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(60));
    private readonly FakeTimeProvider _time = new();

    private CancellationToken Ct => _deadline.Token;

    public void Dispose()
    {
        _deadline.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task An_event_is_deleted_one_ttl_after_its_last_write_with_a_deleted_watch_event_and_other_keys_stay()
    {
        await using var store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = Path.Combine(_directory.Path, "ttl.db"), CompactionInterval = TimeSpan.Zero }, _time, Ct);
        await store.CreateAsync("/events/ns/a", Bytes("a"), Ct);
        var b = await store.CreateAsync("/events/ns/b", Bytes("b"), Ct);
        await store.CreateAsync("/pods/ns/p", Bytes("p"), Ct);
        var sweeper = new ExpirySweeper(store, "/events/", Ttl, _time, NullLogger.Instance);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = sweeper.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => sweeper.Tracked == 2, "the sweeper listed both events", () => $"tracked {sweeper.Tracked}");
        await using var watch = store.WatchAsync("/events/", store.CurrentRevision, Ct).GetAsyncEnumerator(Ct);

        _time.Advance(TimeSpan.FromMinutes(30));
        var b2 = await store.UpdateAsync("/events/ns/b", Bytes("b2"), b.ModRevision, Ct);
        await Eventually.TrueAsync(() => sweeper.SeenRevision >= b2.ModRevision, "the sweeper saw b's update");
        _time.Advance(TimeSpan.FromMinutes(30) + ExpirySweeper.SweepPeriod);

        await Eventually.TrueAsync(async () => await store.GetAsync("/events/ns/a", Ct) is null, "a expired");
        Assert.NotNull(await store.GetAsync("/events/ns/b", Ct));
        Assert.NotNull(await store.GetAsync("/pods/ns/p", Ct));
        Assert.Equal((StoreEventType.Modified, "/events/ns/b"), await NextAsync(watch));
        Assert.Equal((StoreEventType.Deleted, "/events/ns/a"), await NextAsync(watch));

        _time.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal((StoreEventType.Deleted, "/events/ns/b"), await NextAsync(watch));
        Assert.Null(await store.GetAsync("/events/ns/b", Ct));
        Assert.NotNull(await store.GetAsync("/pods/ns/p", Ct));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    private static async Task<(StoreEventType, string)> NextAsync(IAsyncEnumerator<StoreEvent> watch)
    {
        Assert.True(await watch.MoveNextAsync());
        return (watch.Current.Type, watch.Current.Entry.Key);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
