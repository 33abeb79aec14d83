using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Client.Informers;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Client.Tests.Informers;

public sealed class SharedInformerFactoryTests : IDisposable
{
    private readonly FakeHttpHandler _http = new();
    private readonly KubeClient _client;

    public SharedInformerFactoryTests()
    {
        _http.Fallback(r => r.Query.GetValueOrDefault("watch") == "true"
            ? FakeHttpHandler.Watch(new WatchStream())
            : FakeHttpHandler.List("List", "3", TestObjects.Bare("a", "2")));
        _client = TestObjects.Client(_http);
    }

    [Fact]
    public async Task Controllers_asking_for_the_same_kind_share_one_informer_and_late_informers_start_at_once()
    {
        var factory = new SharedInformerFactory(_client, NullLoggerFactory.Instance, new FakeTimeProvider());
        var configMaps = factory.For<ConfigMap>();
        Assert.Same(configMaps, factory.For<ConfigMap>());
        using var stop = new CancellationTokenSource();

        factory.Start(stop.Token);
        var secrets = factory.For<Secret>();
        await factory.WaitForCacheSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(factory.HasSynced);
        Assert.NotNull(configMaps.Lister.Get("default", "a"));
        Assert.Equal(1, secrets.Lister.Count);
        await stop.CancelAsync();
        await factory.WhenStoppedAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_selection_is_a_cache_of_its_own_and_watches_with_its_selectors()
    {
        var factory = new SharedInformerFactory(_client, NullLoggerFactory.Instance, new FakeTimeProvider());
        var all = factory.For<ConfigMap>();
        var named = factory.For<ConfigMap>(null, null, "metadata.name=a");
        Assert.NotSame(all, named);
        Assert.Same(named, factory.For<ConfigMap>(null, null, "metadata.name=a"));
        Assert.Equal(2, factory.Count);
        using var stop = new CancellationTokenSource();

        factory.Start(stop.Token);
        await factory.WaitForCacheSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("metadata.name=a", named.Options.FieldSelector);
        Assert.Contains(_http.Requests, r => r.Query.GetValueOrDefault("fieldSelector") == "metadata.name=a");
        Assert.Contains(_http.Requests, r => !r.Query.ContainsKey("fieldSelector"));
        await stop.CancelAsync();
        await factory.WhenStoppedAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_consumer_that_registers_after_the_sync_hears_the_cached_objects_as_adds()
    {
        var factory = new SharedInformerFactory(_client, NullLoggerFactory.Instance, new FakeTimeProvider());
        var configMaps = factory.For<ConfigMap>();
        using var stop = new CancellationTokenSource();
        factory.Start(stop.Token);
        await factory.WaitForCacheSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var seen = new List<string>();

        using var registration = configMaps.AddEventHandler(new ResourceEventHandler<ConfigMap>(onAdd: c => seen.Add(c.Metadata.Name!)));

        Assert.Equal(["a"], seen);
        await stop.CancelAsync();
        await factory.WhenStoppedAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_cache_drops_managed_fields_unless_asked_to_keep_them(bool keep)
    {
        var tracked = TestObjects.Bare("a", "2");
        tracked.Metadata.ManagedFields = System.Text.Json.JsonDocument.Parse("""[{"manager":"kubectl","operation":"Apply","apiVersion":"v1"}]""").RootElement;
        using var http = new FakeHttpHandler();
        http.Fallback(r => r.Query.GetValueOrDefault("watch") == "true"
            ? FakeHttpHandler.Watch(new WatchStream())
            : FakeHttpHandler.List("List", "3", tracked));
        var factory = new SharedInformerFactory(TestObjects.Client(http), NullLoggerFactory.Instance, new FakeTimeProvider(), new SharedInformerOptions { KeepManagedFields = keep });
        var configMaps = factory.For<ConfigMap>();
        using var stop = new CancellationTokenSource();

        factory.Start(stop.Token);
        await factory.WaitForCacheSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(keep, configMaps.Lister.Get("default", "a")!.Metadata.ManagedFields is { ValueKind: System.Text.Json.JsonValueKind.Array });
        await stop.CancelAsync();
        await factory.WhenStoppedAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_metadata_view_of_a_typed_kind_is_its_typed_informer_so_the_kind_is_watched_once()
    {
        var factory = new SharedInformerFactory(_client, NullLoggerFactory.Instance, new FakeTimeProvider());
        var typed = factory.For<ConfigMap>();
        var metadata = factory.Metadata(KnownResources.ConfigMaps);
        Assert.Same(metadata, factory.Metadata(KnownResources.ConfigMaps));
        Assert.Same(typed, Assert.IsType<MetadataInformer<ConfigMap>>(metadata).Informer);
        Assert.Equal(1, factory.CountOf(KnownResources.ConfigMaps));
        var seen = new List<KubeObject>();
        using var registration = metadata.AddEventHandler(new ResourceEventHandler<KubeObject>(onAdd: seen.Add));
        using var stop = new CancellationTokenSource();

        factory.Start(stop.Token);
        await metadata.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Same(typed.Lister.Get("default", "a"), Assert.Single(seen));
        Assert.Single(_http.Requests, r => r.Path == "/api/v1/configmaps" && r.Query.GetValueOrDefault("watch") == "true");
        await stop.CancelAsync();
        await factory.WhenStoppedAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_kind_without_a_typed_model_gets_one_shared_metadata_only_informer()
    {
        var factory = new SharedInformerFactory(_client, NullLoggerFactory.Instance, new FakeTimeProvider());
        var untyped = KnownResources.ConfigMaps with { ClrType = typeof(Unstructured) };
        var metadata = factory.Metadata(untyped);
        Assert.Same(metadata, factory.Metadata(untyped));
        Assert.Equal(1, factory.CountOf(untyped));
        Assert.Same(untyped, metadata.Resource);
        var seen = new List<KubeObject>();
        using var registration = metadata.AddEventHandler(new ResourceEventHandler<KubeObject>(onAdd: seen.Add));
        using var stop = new CancellationTokenSource();

        factory.Start(stop.Token);
        await factory.WaitForCacheSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var item = Assert.IsType<Unstructured>(Assert.Single(seen));
        Assert.Equal("a", item.Metadata.Name);
        Assert.Null(item.ExtensionData);
        await stop.CancelAsync();
        await factory.WhenStoppedAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose() => _client.Dispose();
}
