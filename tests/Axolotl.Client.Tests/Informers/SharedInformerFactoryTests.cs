using Axolotl.Api.Core;
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

    public void Dispose() => _client.Dispose();
}
