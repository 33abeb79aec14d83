using Axolotl.Storage.Etcd;
using Axolotl.Testing;
using Axolotl.Testing.Etcd;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Storage.Tests.Etcd;

/// <summary>The compactor's tick defragments a member whose file compaction left mostly free, and only such a member.</summary>
public sealed partial class EtcdStoreTests
{
    [Fact]
    public async Task A_tick_after_compaction_defragments_a_member_whose_file_is_mostly_free()
    {
        await using var store = await OpenWithCompactorAsync(minimumBytes: 0);
        await ChurnThenCompactAsync(store);
        var before = await FreedAsync(store);

        await store.Compactor!.TickAsync(Ct);

        var after = await StatusAsync(store);
        Assert.True(after.DbSize < before.DbSize / 2, $"{before.DbSize} → {after.DbSize} bytes");
    }

    [Fact]
    public async Task A_member_below_the_size_threshold_is_left_alone()
    {
        await using var store = await OpenWithCompactorAsync(minimumBytes: long.MaxValue);
        await ChurnThenCompactAsync(store);
        var before = await FreedAsync(store);

        await store.Compactor!.TickAsync(Ct);

        Assert.Equal(before.DbSize, (await StatusAsync(store)).DbSize);
    }

    /// <summary>100 keys of 40 KB written five times each (about 20 MB of history), then compacted to now.</summary>
    private async Task ChurnThenCompactAsync(EtcdStore store)
    {
        var value = new byte[40_000];
        new Random(3).NextBytes(value);
        var revisions = new long[100];
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < revisions.Length; i++)
            {
                value[0] = (byte)round;
                var key = $"/configmaps/default/c{i}";
                revisions[i] = round == 0
                    ? (await store.CreateAsync(key, value, Ct)).ModRevision
                    : (await store.UpdateAsync(key, value, revisions[i], Ct)).ModRevision;
            }
        }

        await store.CompactAsync(store.CurrentRevision, Ct);
    }

    /// <summary>
    /// bbolt keeps the pages a compaction freed pending until a later write transaction releases them, so the
    /// member's status shows them free only after more writes, as any cluster's steady writes do.
    /// </summary>
    private async Task<EtcdMemberStatus> FreedAsync(EtcdStore store)
    {
        var writes = 0;
        return await Eventually.UntilAsync(async () =>
        {
            await store.CreateAsync($"/configmaps/default/tick-{writes++}", new byte[10], Ct);
            return await StatusAsync(store);
        }, s => s.FragmentedFraction > 0.5, "the compaction's free pages in the member's status", s => $"{s.DbSize} bytes, {s.DbSizeInUse} in use");
    }

    private Task<EtcdMemberStatus> StatusAsync(EtcdStore store) =>
        new EtcdDefragmenter(store.Connection, new EtcdDefragmentationPlanner(0, 1), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20), NullLogger.Instance)
            .StatusAsync(Member.ClientUrl, Ct);

    private Task<EtcdStore> OpenWithCompactorAsync(long minimumBytes) =>
        EtcdStore.OpenAsync(new EtcdStoreOptions
        {
            Endpoints = [Member.ClientUrl],
            // On: the tick is driven by the test, the timer's first tick is an hour away.
            CompactionInterval = TimeSpan.FromHours(1),
            RequestTimeout = TimeSpan.FromSeconds(20),
            DefragmentMinimumBytes = minimumBytes,
            DefragmentFragmentedFraction = 0.3,
        }, TimeProvider.System, Ct);
}
