using System.Text;
using Axolotl.Storage.Etcd;
using Axolotl.Testing.Etcd;

namespace Axolotl.Storage.Tests.Etcd;

/// <summary>What the etcd store does beyond the shared contract: several endpoints, an etcd that goes away and comes back.</summary>
public sealed partial class EtcdStoreTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(90));
    private EtcdMember? _member;

    private CancellationToken Ct => _deadline.Token;

    private EtcdMember Member => _member!;

    public async Task InitializeAsync() => _member = await EtcdMember.StartAsync(Ct);

    public async Task DisposeAsync()
    {
        if (_member is not null)
        {
            await _member.DisposeAsync();
        }

        _deadline.Dispose();
    }

    [Fact]
    public async Task A_member_that_refuses_connections_is_skipped_for_the_next_endpoint()
    {
        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}");
        await using var store = await OpenAsync([closed, Member.ClientUrl]);

        var created = await store.CreateAsync("/configmaps/default/a", Encoding.UTF8.GetBytes("v1"), Ct);
        var read = await store.GetAsync("/configmaps/default/a", Ct);

        Assert.Equal(created.ModRevision, read!.ModRevision);
    }

    [Fact]
    public async Task Opening_on_an_unreachable_cluster_fails_with_store_unavailable_naming_every_endpoint()
    {
        var a = ClosedPort();
        var b = ClosedPort();

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            OpenAsync([new Uri($"http://127.0.0.1:{a}"), new Uri($"http://127.0.0.1:{b}")]));

        Assert.Contains($"127.0.0.1:{a}", error.Message);
        Assert.Contains($"127.0.0.1:{b}", error.Message);
    }

    [Fact]
    public async Task Requests_fail_with_store_unavailable_while_etcd_is_down_and_work_again_with_watches_resuming()
    {
        await using var store = await OpenAsync([Member.ClientUrl]);
        var before = await store.CreateAsync("/configmaps/default/before", Encoding.UTF8.GetBytes("1"), Ct);
        await using var watch = store.WatchAsync("/configmaps/", before.ModRevision, Ct).GetAsyncEnumerator(Ct);
        var next = watch.MoveNextAsync();

        await Member.KillAsync();

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync("/configmaps/default/before", Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CreateAsync("/configmaps/default/during", Encoding.UTF8.GetBytes("2"), Ct));
        Assert.False(next.IsCompleted, "the watch ended while etcd was down");

        await Member.RestartAsync(Ct);
        var after = await store.CreateAsync("/configmaps/default/after", Encoding.UTF8.GetBytes("3"), Ct);

        Assert.True(await next.AsTask().WaitAsync(Ct));
        Assert.Equal("/configmaps/default/after", watch.Current.Entry.Key);
        Assert.Equal(after.ModRevision, watch.Current.Entry.ModRevision);
        Assert.Null(await store.GetAsync("/configmaps/default/during", Ct));
    }

    [Fact]
    public async Task Objects_are_stored_under_registry_in_kube_apiservers_layout()
    {
        await using var store = await OpenAsync([Member.ClientUrl]);
        await store.CreateAsync("/apps/deployments/default/web", Encoding.UTF8.GetBytes("{}"), Ct);
        await store.CreateAsync("/services/default/web", Encoding.UTF8.GetBytes("{}"), Ct);

        await using var raw = await OpenAsync([Member.ClientUrl], keyPrefix: "/registry/deployments");
        var direct = await raw.GetAsync("/default/web", Ct);

        Assert.NotNull(direct);
        Assert.Equal(["/apps/deployments/default/web"], (await store.ListAsync("/apps/deployments/", 0, null, Ct)).Items.Select(i => i.Key));
        Assert.Equal(["/services/default/web"], (await store.ListAsync("/services/", 0, null, Ct)).Items.Select(i => i.Key));
        Assert.Empty((await store.ListAsync("/endpoints/", 0, null, Ct)).Items);
    }

    [Fact]
    public async Task Writes_go_on_through_the_other_members_when_the_one_in_use_is_killed()
    {
        var cluster = await EtcdMember.StartClusterAsync(3, Ct);
        try
        {
            await using var store = await OpenAsync([.. cluster.Select(m => m.ClientUrl)]);
            var acknowledged = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                await store.CreateAsync($"/configmaps/default/before{i}", Encoding.UTF8.GetBytes("x"), Ct);
                acknowledged.Add($"/configmaps/default/before{i}");
            }

            // The first endpoint answered last, so it is the one in use.
            await cluster[0].KillAsync();

            // While the others elect a leader a write may be refused (503 to a client); it is never lost once acknowledged.
            for (var i = 0; acknowledged.Count < 10; i++)
            {
                try
                {
                    await store.CreateAsync($"/configmaps/default/after{i}", Encoding.UTF8.GetBytes("x"), Ct);
                    acknowledged.Add($"/configmaps/default/after{i}");
                }
                catch (StoreUnavailableException) when (!Ct.IsCancellationRequested)
                {
                    await Task.Delay(50, Ct);
                }
            }

            var stored = (await store.ListAsync("/configmaps/default/", 0, null, Ct)).Items.Select(e => e.Key).ToHashSet();
            Assert.All(acknowledged, key => Assert.Contains(key, stored));
        }
        finally
        {
            foreach (var member in cluster)
            {
                await member.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_snapshot_of_etcd_restores_into_sqlite_with_the_revisions_etcd_gave()
    {
        await using var store = await OpenAsync([Member.ClientUrl]);
        var a = await store.CreateAsync("/configmaps/default/a", Encoding.UTF8.GetBytes("1"), Ct);
        await store.UpdateAsync("/configmaps/default/a", Encoding.UTF8.GetBytes("2"), a.ModRevision, Ct);
        var b = await store.CreateAsync("/apps/deployments/default/b", Encoding.UTF8.GetBytes("{}"), Ct);
        using var file = new MemoryStream();
        await Axolotl.Storage.Snapshots.StoreSnapshot.SaveAsync(store, file, TimeProvider.System, Ct);
        file.Position = 0;
        var contents = await Axolotl.Storage.Snapshots.StoreSnapshot.ReadAsync(file, Ct);
        var directory = Directory.CreateTempSubdirectory("axolotl-etcd-snapshot-");
        try
        {
            await using var sqlite = await Axolotl.Storage.Sqlite.SqliteStore.OpenAsync(
                new Axolotl.Storage.Sqlite.SqliteStoreOptions { Path = Path.Combine(directory.FullName, "state.db"), CompactionInterval = TimeSpan.Zero }, TimeProvider.System, Ct);
            await Axolotl.Storage.Snapshots.StoreSnapshot.RestoreAsync(sqlite, contents, Ct);

            var restored = await sqlite.GetAsync("/configmaps/default/a", Ct);
            Assert.Equal("2", Encoding.UTF8.GetString(restored!.Value.Span));
            Assert.Equal((await store.GetAsync("/configmaps/default/a", Ct))!.ModRevision, restored.ModRevision);
            Assert.Equal(b.ModRevision, (await sqlite.GetAsync("/apps/deployments/default/b", Ct))!.ModRevision);
            Assert.Equal(store.CurrentRevision, sqlite.CurrentRevision);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private Task<EtcdStore> OpenAsync(IReadOnlyList<Uri> endpoints, string keyPrefix = "/registry") =>
        EtcdStore.OpenAsync(new EtcdStoreOptions
        {
            Endpoints = endpoints,
            CompactionInterval = TimeSpan.Zero,
            RequestTimeout = TimeSpan.FromSeconds(20),
            KeyPrefix = keyPrefix,
        }, TimeProvider.System, Ct);

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
