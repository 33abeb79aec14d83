using System.Text;

namespace Axolotl.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task Get_many_answers_each_key_in_order_with_nothing_for_a_missing_or_deleted_one()
    {
        var store = await CreateStoreAsync();
        var a = await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);
        await store.CreateAsync("/pods/ns/gone", Bytes("g"), Ct);
        await store.DeleteAsync("/pods/ns/gone", 0, Ct);
        var b = await store.CreateAsync("/configmaps/ns/b", Bytes("b"), Ct);

        var entries = await store.GetManyAsync(["/pods/ns/a", "/pods/ns/never", "/configmaps/ns/b", "/pods/ns/gone"], Ct);

        Assert.Equal(4, entries.Count);
        Assert.Equal(("/pods/ns/a", "a", a.ModRevision, a.CreateRevision), Describe(entries[0]!));
        Assert.Null(entries[1]);
        Assert.Equal(("/configmaps/ns/b", "b", b.ModRevision, b.CreateRevision), Describe(entries[2]!));
        Assert.Null(entries[3]);
        Assert.Empty(await store.GetManyAsync([], Ct));
    }

    [Fact]
    public async Task Get_many_answers_more_keys_than_one_etcd_transaction_holds()
    {
        var store = await CreateStoreAsync();
        var keys = Enumerable.Range(0, 300).Select(i => $"/pods/ns/p{i:D3}").ToList();
        foreach (var key in keys)
        {
            await store.CreateAsync(key, Bytes(key), Ct);
        }

        var entries = await store.GetManyAsync([.. Enumerable.Reverse(keys)], Ct);

        Assert.Equal(Enumerable.Reverse(keys), entries.Select(e => e!.Key));
        Assert.All(entries, e => Assert.Equal(e!.Key, Encoding.UTF8.GetString(e.Value.Span)));
    }

    private static (string Key, string Value, long ModRevision, long CreateRevision) Describe(StoreEntry entry) =>
        (entry.Key, Encoding.UTF8.GetString(entry.Value.Span), entry.ModRevision, entry.CreateRevision);
}
