namespace Axolotl.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task A_list_returns_keys_under_the_prefix_in_key_order_at_the_current_revision()
    {
        var store = await CreateStoreAsync();
        foreach (var name in new[] { "c", "a", "b" })
        {
            await store.CreateAsync("/pods/default/" + name, Bytes(name), Ct);
        }

        var list = await store.ListAsync("/pods/default/", 0, null, Ct);

        Assert.Equal(["/pods/default/a", "/pods/default/b", "/pods/default/c"], list.Items.Select(i => i.Key));
        Assert.Equal(store.CurrentRevision, list.Revision);
        Assert.Null(list.Continue);
        Assert.Equal(0, list.RemainingCount);
        Assert.Equal(R(2), list.Items[0].ModRevision);
    }

    [Fact]
    public async Task A_prefix_ending_in_slash_does_not_list_a_sibling_namespace()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/default/a", Bytes("1"), Ct);
        await store.CreateAsync("/pods/default2/b", Bytes("2"), Ct);
        await store.CreateAsync("/pods/defaul/c", Bytes("3"), Ct);
        await store.CreateAsync("/pods/default", Bytes("4"), Ct);
        await store.CreateAsync("/podsx/default/d", Bytes("5"), Ct);

        var inDefault = await store.ListAsync("/pods/default/", 0, null, Ct);
        var allPods = await store.ListAsync("/pods/", 0, null, Ct);

        Assert.Equal(["/pods/default/a"], inDefault.Items.Select(i => i.Key));
        Assert.Equal(["/pods/defaul/c", "/pods/default", "/pods/default/a", "/pods/default2/b"], allPods.Items.Select(i => i.Key));
    }

    [Fact]
    public async Task A_list_skips_deleted_keys_and_shows_updated_values()
    {
        var store = await CreateStoreAsync();
        var a = await store.CreateAsync("/pods/default/a", Bytes("a1"), Ct);
        await store.CreateAsync("/pods/default/b", Bytes("b1"), Ct);
        await store.UpdateAsync("/pods/default/a", Bytes("a2"), a.ModRevision, Ct);
        await store.DeleteAsync("/pods/default/b", 0, Ct);

        var list = await store.ListAsync("/pods/default/", 0, null, Ct);

        var only = Assert.Single(list.Items);
        Assert.Equal("a2", Text(only));
        Assert.Equal(R(3), only.ModRevision);
        Assert.Equal(R(1), only.CreateRevision);
    }

    [Fact]
    public async Task Keys_are_ordered_by_code_point()
    {
        var store = await CreateStoreAsync();
        string[] names = ["z", "\uE000", "\U0001F600", "A", "\u00E9"];
        foreach (var name in names)
        {
            await store.CreateAsync("/configmaps/ns/" + name, Bytes(name), Ct);
        }

        var list = await store.ListAsync("/configmaps/ns/", 2, null, Ct);
        var keys = list.Items.Select(i => i.Key).ToList();
        while (list.Continue is not null)
        {
            list = await store.ListAsync("/configmaps/ns/", 2, list.Continue, Ct);
            keys.AddRange(list.Items.Select(i => i.Key));
        }

        Assert.Equal(new[] { "A", "z", "\u00E9", "\uE000", "\U0001F600" }.Select(n => "/configmaps/ns/" + n), keys);
    }

    [Fact]
    public async Task Paging_with_limit_and_continue_reads_every_page_at_the_first_pages_revision()
    {
        var store = await CreateStoreAsync();
        var created = new Dictionary<string, StoreEntry>();
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
        {
            created[name] = await store.CreateAsync("/pods/ns/" + name, Bytes(name + "1"), Ct);
        }

        var first = await store.ListAsync("/pods/ns/", 2, null, Ct);
        Assert.Equal(["/pods/ns/a", "/pods/ns/b"], first.Items.Select(i => i.Key));
        Assert.Equal(R(5), first.Revision);
        Assert.Equal(3, first.RemainingCount);
        Assert.NotNull(first.Continue);

        await store.UpdateAsync("/pods/ns/c", Bytes("c2"), created["c"].ModRevision, Ct);
        await store.DeleteAsync("/pods/ns/d", 0, Ct);
        await store.CreateAsync("/pods/ns/bb", Bytes("bb1"), Ct);
        await store.CreateAsync("/pods/ns/f", Bytes("f1"), Ct);

        var second = await store.ListAsync("/pods/ns/", 2, first.Continue, Ct);
        Assert.Equal(["/pods/ns/c", "/pods/ns/d"], second.Items.Select(i => i.Key));
        Assert.Equal(["c1", "d1"], second.Items.Select(Text));
        Assert.Equal(R(5), second.Revision);
        Assert.Equal(1, second.RemainingCount);

        var third = await store.ListAsync("/pods/ns/", 2, second.Continue, Ct);
        Assert.Equal(["/pods/ns/e"], third.Items.Select(i => i.Key));
        Assert.Null(third.Continue);
        Assert.Equal(0, third.RemainingCount);

        var fresh = await store.ListAsync("/pods/ns/", 0, null, Ct);
        Assert.Equal(["a1", "b1", "bb1", "c2", "e1", "f1"], fresh.Items.Select(Text));
        Assert.Equal(R(9), fresh.Revision);
    }

    [Fact]
    public async Task The_remaining_count_takes_each_key_as_it_was_at_the_lists_revision()
    {
        var store = await CreateStoreAsync();
        var created = new Dictionary<string, StoreEntry>();
        foreach (var name in new[] { "a", "b", "c", "d", "e", "f" })
        {
            created[name] = await store.CreateAsync("/pods/ns/" + name, Bytes(name + "1"), Ct);
        }
        await store.DeleteAsync("/pods/ns/c", 0, Ct);
        await store.UpdateAsync("/pods/ns/d", Bytes("d2"), created["d"].ModRevision, Ct);
        await store.DeleteAsync("/pods/ns/e", 0, Ct);
        await store.CreateAsync("/pods/ns/e", Bytes("e2"), Ct);
        await store.CreateAsync("/pods/other/x", Bytes("x1"), Ct);

        // Live after a: b, d (updated), e (deleted and made again), f; c was deleted before the list.
        var first = await store.ListAsync("/pods/ns/", 1, null, Ct);
        Assert.Equal(4, first.RemainingCount);

        await store.DeleteAsync("/pods/ns/f", 0, Ct);
        await store.CreateAsync("/pods/ns/g", Bytes("g1"), Ct);
        await store.CreateAsync("/pods/ns/h", Bytes("h1"), Ct);

        // The next page still counts at the first page's revision: f is there, g and h are not.
        var second = await store.ListAsync("/pods/ns/", 1, first.Continue, Ct);
        Assert.Equal(["/pods/ns/b"], second.Items.Select(i => i.Key));
        Assert.Equal(3, second.RemainingCount);
    }

    [Fact]
    public async Task A_limit_equal_to_the_number_of_keys_gives_no_continue()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);
        await store.CreateAsync("/pods/ns/b", Bytes("b"), Ct);

        var list = await store.ListAsync("/pods/ns/", 2, null, Ct);

        Assert.Equal(2, list.Items.Count);
        Assert.Null(list.Continue);
    }

    [Theory]
    [InlineData("not base64 !!")]
    [InlineData("bm90IGpzb24")]
    [InlineData("eyJyZXYiOiJ4In0")]
    [InlineData("e30")]
    public async Task A_malformed_continue_token_is_rejected_as_an_argument_error(string token)
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/ns/a", Bytes("a"), Ct);

        var error = await Assert.ThrowsAsync<InvalidContinueTokenException>(() => store.ListAsync("/pods/ns/", 1, token, Ct));

        Assert.IsAssignableFrom<ArgumentException>(error);
    }

    [Fact]
    public async Task A_continue_token_from_another_prefix_is_rejected()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync("/pods/a/1", Bytes("1"), Ct);
        await store.CreateAsync("/pods/a/2", Bytes("2"), Ct);
        await store.CreateAsync("/pods/b/1", Bytes("3"), Ct);
        var page = await store.ListAsync("/pods/a/", 1, null, Ct);

        await Assert.ThrowsAsync<InvalidContinueTokenException>(() => store.ListAsync("/pods/b/", 1, page.Continue, Ct));
    }

    [Fact]
    public async Task A_negative_limit_is_rejected()
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync("/pods/", -1, null, Ct));
    }

    [Fact]
    public async Task A_list_at_a_past_revision_shows_the_keys_as_they_were_then_and_pages_at_that_revision()
    {
        var store = await CreateStoreAsync();
        var a = await store.CreateAsync("/pods/default/a", Bytes("a1"), Ct);
        await store.CreateAsync("/pods/default/b", Bytes("b1"), Ct);
        var then = store.CurrentRevision;
        await store.UpdateAsync("/pods/default/a", Bytes("a2"), a.ModRevision, Ct);
        await store.DeleteAsync("/pods/default/b", 0, Ct);
        await store.CreateAsync("/pods/default/c", Bytes("c1"), Ct);

        var past = await store.ListAtRevisionAsync("/pods/default/", then, 0, Ct);
        var firstPage = await store.ListAtRevisionAsync("/pods/default/", then, 1, Ct);
        var secondPage = await store.ListAsync("/pods/default/", 1, firstPage.Continue, Ct);

        Assert.Equal(["a1", "b1"], past.Items.Select(Text));
        Assert.Equal(then, past.Revision);
        Assert.Equal(["a1"], firstPage.Items.Select(Text));
        Assert.Equal(1, firstPage.RemainingCount);
        Assert.Equal(["b1"], secondPage.Items.Select(Text));
        Assert.Equal(then, secondPage.Revision);
    }

    [Fact]
    public async Task A_list_at_a_compacted_revision_throws_and_one_beyond_the_current_revision_is_refused()
    {
        var store = await CreateStoreAsync();
        for (var i = 0; i < 4; i++)
        {
            await store.CreateAsync($"/pods/default/p{i}", Bytes("x"), Ct);
        }
        await store.CompactAsync(R(3), Ct);

        await Assert.ThrowsAsync<CompactedException>(() => store.ListAtRevisionAsync("/pods/default/", R(2), 0, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAtRevisionAsync("/pods/default/", store.CurrentRevision + 1, 0, Ct));
        Assert.Equal(4, (await store.ListAtRevisionAsync("/pods/default/", R(4), 0, Ct)).Items.Count);
    }
}
