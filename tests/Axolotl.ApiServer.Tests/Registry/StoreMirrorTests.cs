using System.Text;
using Axolotl.Api.Core;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Registry.Mirrors;
using Axolotl.Storage;
using Axolotl.Storage.Memory;

namespace Axolotl.ApiServer.Tests.Registry;

public sealed class StoreMirrorTests
{
    private static StoreEntry Entry(string key, long revision, string json = "{}") => new(key, Encoding.UTF8.GetBytes(json), revision, revision);

    private static string Account(string name, bool automount) =>
        $$"""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"{{name}}"},"automountServiceAccountToken":{{(automount ? "true" : "false")}}}""";

    private static StoreListResult List(long revision, params StoreEntry[] entries) => new(entries, revision, null, 0);

    [Fact]
    public void Nothing_is_answered_before_the_first_list()
    {
        var mirror = new StoreMirror(KnownResources.ServiceAccounts);

        Assert.Null(mirror.Get("team-a", "default"));
        Assert.Null(mirror.List("team-a"));
    }

    [Fact]
    public void The_list_and_the_changes_after_it_are_held_by_namespace_and_name()
    {
        var mirror = new StoreMirror(KnownResources.ServiceAccounts);
        mirror.Replace(List(10, Entry("/serviceaccounts/team-a/default", 4, Account("default", true))));

        var held = mirror.Get("team-a", "default");
        Assert.True(held!.Found);
        Assert.Equal("4", held.Object!.Metadata.ResourceVersion);
        Assert.False(mirror.Get("team-b", "default")!.Found);

        mirror.Apply(new StoreEvent(StoreEventType.Modified, Entry("/serviceaccounts/team-a/default", 11, Account("default", false))));
        mirror.Apply(new StoreEvent(StoreEventType.Added, Entry("/serviceaccounts/team-b/default", 12, Account("default", true))));
        mirror.Apply(new StoreEvent(StoreEventType.Added, Entry("/serviceaccounts/team-b/builder", 13, Account("builder", true))));

        Assert.False(((ServiceAccount)mirror.Get("team-a", "default")!.Object!).AutomountServiceAccountToken);
        Assert.Equal(["builder", "default"], mirror.List("team-b")!.Select(o => o.Metadata.Name).Order(StringComparer.Ordinal));

        mirror.Apply(new StoreEvent(StoreEventType.Deleted, Entry("/serviceaccounts/team-b/builder", 14, Account("builder", true))));
        Assert.False(mirror.Get("team-b", "builder")!.Found);
        Assert.Single(mirror.List("team-b")!);
        Assert.Empty(mirror.List("team-c")!);
    }

    [Fact]
    public void A_write_here_is_held_at_once_and_the_watch_catching_up_changes_nothing()
    {
        var mirror = new StoreMirror(KnownResources.Namespaces);
        mirror.Replace(List(5));

        mirror.Written("/namespaces/team-a", Node("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","resourceVersion":"8"}}"""), 8);
        Assert.True(mirror.Get(null, "team-a")!.Found);

        // The watch brings the same write, then an older one it had not delivered yet: neither goes back in time.
        mirror.Apply(new StoreEvent(StoreEventType.Added, Entry("/namespaces/team-a", 8)));
        Assert.Equal(8, mirror.Get(null, "team-a")!.Revision);
        mirror.Apply(new StoreEvent(StoreEventType.Modified, Entry("/namespaces/team-a", 7)));
        Assert.Equal(8, mirror.Get(null, "team-a")!.Revision);
    }

    [Fact]
    public void A_deletion_here_is_not_undone_by_a_late_event_of_the_object()
    {
        var mirror = new StoreMirror(KnownResources.Namespaces);
        mirror.Replace(List(5, Entry("/namespaces/team-a", 3)));

        mirror.Written("/namespaces/team-a", Node("""{"metadata":{"name":"team-a"}}"""), 7);
        mirror.Deleted("/namespaces/team-a", 9);
        mirror.Apply(new StoreEvent(StoreEventType.Modified, Entry("/namespaces/team-a", 7)));
        Assert.False(mirror.Get(null, "team-a")!.Found);

        // Once the watch delivered the deletion, a new object of the same name is taken as usual.
        mirror.Apply(new StoreEvent(StoreEventType.Deleted, Entry("/namespaces/team-a", 9)));
        mirror.Apply(new StoreEvent(StoreEventType.Added, Entry("/namespaces/team-a", 10)));
        Assert.True(mirror.Get(null, "team-a")!.Found);
    }

    [Fact]
    public void A_write_the_watch_has_already_passed_is_not_applied_again()
    {
        var mirror = new StoreMirror(KnownResources.Namespaces);
        mirror.Replace(List(5));

        // The watch saw the create and a deletion by another client before this server's own note of the create ran.
        mirror.Apply(new StoreEvent(StoreEventType.Added, Entry("/namespaces/team-a", 6)));
        mirror.Apply(new StoreEvent(StoreEventType.Deleted, Entry("/namespaces/team-a", 7)));
        mirror.Written("/namespaces/team-a", Node("""{"metadata":{"name":"team-a"}}"""), 6);

        Assert.False(mirror.Get(null, "team-a")!.Found);
    }

    [Fact]
    public void A_relist_keeps_what_was_written_here_after_the_list()
    {
        var mirror = new StoreMirror(KnownResources.Namespaces);
        mirror.Replace(List(5, Entry("/namespaces/old", 2), Entry("/namespaces/gone", 3)));
        mirror.Written("/namespaces/team-a", Node("""{"metadata":{"name":"team-a"}}"""), 12);
        mirror.Deleted("/namespaces/old", 13);

        mirror.Replace(List(10, Entry("/namespaces/old", 2), Entry("/namespaces/fresh", 9)));

        Assert.True(mirror.Get(null, "team-a")!.Found);
        Assert.True(mirror.Get(null, "fresh")!.Found);
        Assert.False(mirror.Get(null, "gone")!.Found);
        Assert.False(mirror.Get(null, "old")!.Found);
    }

    [Fact]
    public void Keys_of_other_kinds_and_undecodable_values_are_left_out()
    {
        var bad = new List<string>();
        var mirror = new StoreMirror(KnownResources.LimitRanges) { Undecodable = (key, _) => bad.Add(key) };
        mirror.Replace(List(5,
            Entry("/limitranges/team-a/defaults", 2, """{"metadata":{"name":"defaults"}}"""),
            Entry("/limitranges/team-a/broken", 3, """{"metadata":"not an object"}"""),
            Entry("/limitrangesx/team-a/other", 4),
            Entry("/limitranges/team-a/", 4)));
        mirror.Apply(new StoreEvent(StoreEventType.Progress, Entry("", 20)));

        Assert.Equal(["defaults"], mirror.List("team-a")!.Select(o => o.Metadata.Name));
        Assert.Equal(["/limitranges/team-a/broken"], bad);
    }

    [Fact]
    public async Task Writes_through_the_object_store_reach_the_mirror_before_the_watch()
    {
        await using var store = new InMemoryStore();
        var objects = new ObjectStore(store);
        var kind = KnownResources.Namespaces;
        var mirror = new StoreMirror(kind);
        // A mirror that never watches: only the object store's notes can change it after this list.
        mirror.Replace(await store.ListAsync(ObjectStore.Prefix(kind, null), 0, null, CancellationToken.None));
        objects.Mirrors.Adopt(mirror);

        var created = await objects.CreateAsync(kind, Node("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}}"""), CancellationToken.None);
        Assert.Equal(created.Revision, mirror.Get(null, "team-a")!.Revision);

        var terminating = Node("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","deletionTimestamp":"2026-11-28T12:00:00Z"}}""");
        await objects.UpdateAsync(kind, terminating, created.Revision, CancellationToken.None);
        Assert.NotNull(mirror.Get(null, "team-a")!.Object!.Metadata.DeletionTimestamp);

        await objects.DeleteAsync(kind, null, "team-a", 0, CancellationToken.None);
        Assert.False(mirror.Get(null, "team-a")!.Found);
        // Writes of kinds that are not mirrored are not noted anywhere.
        await objects.CreateAsync(KnownResources.ConfigMaps, Node("""{"metadata":{"name":"c","namespace":"team-a"}}"""), CancellationToken.None);
        Assert.Null(objects.Mirrors.For(KnownResources.ConfigMaps));
    }

    private static System.Text.Json.Nodes.JsonObject Node(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
}
