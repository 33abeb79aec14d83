using System.Text;
using Axolotl.Api.Metrics;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Metrics;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;
using Axolotl.Storage.Memory;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Metrics;

/// <summary>The kube-state scrape renders a pod again only when it changed, and forgets a deleted one.</summary>
public sealed class KubeStatePodCacheTests : IAsyncDisposable
{
    private readonly InMemoryStore _store = new();
    private readonly MetricsRegistry _registry = new(_ => false);
    private readonly KubeStateMetrics _ksm;

    public KubeStatePodCacheTests()
    {
        _ksm = new KubeStateMetrics(new ObjectStore(_store));
        _registry.Add(_ksm);
    }

    private static byte[] Pod(string name, int restarts) => Encoding.UTF8.GetBytes("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"NAME","namespace":"shop","uid":"uid-NAME"},
         "spec":{"containers":[{"name":"app","image":"img"}]},
         "status":{"phase":"Running","containerStatuses":[{"name":"app","restartCount":RESTARTS,"state":{"running":{}}}]}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("RESTARTS", restarts.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    private Task<string> ScrapeAsync() => _registry.ScrapeAsync(CancellationToken.None);

    [Fact]
    public async Task A_scrape_of_unchanged_pods_parses_none_and_writes_the_same_exposition()
    {
        await _store.CreateAsync("/pods/shop/a", Pod("a", 1), CancellationToken.None);
        await _store.CreateAsync("/pods/shop/b", Pod("b", 2), CancellationToken.None);

        var first = await ScrapeAsync();
        Assert.Equal(2, _ksm.LastParsed);
        var second = await ScrapeAsync();

        Assert.Equal(0, _ksm.LastParsed);
        Assert.Equal(first, second);
        Assert.Empty(DuplicateSeries.Find(second));
    }

    [Fact]
    public async Task An_updated_pod_is_rendered_again_with_its_new_values_and_only_it()
    {
        var a = await _store.CreateAsync("/pods/shop/a", Pod("a", 1), CancellationToken.None);
        await _store.CreateAsync("/pods/shop/b", Pod("b", 2), CancellationToken.None);
        await ScrapeAsync();

        await _store.UpdateAsync("/pods/shop/a", Pod("a", 5), a.ModRevision, CancellationToken.None);
        var text = await ScrapeAsync();

        Assert.Equal(1, _ksm.LastParsed);
        Assert.Contains("kube_pod_container_status_restarts_total{namespace=\"shop\",pod=\"a\",uid=\"uid-a\",container=\"app\"} 5\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("kube_pod_container_status_restarts_total{namespace=\"shop\",pod=\"a\",uid=\"uid-a\",container=\"app\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_pod_container_status_restarts_total{namespace=\"shop\",pod=\"b\",uid=\"uid-b\",container=\"app\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_pod_leaves_the_exposition_and_the_cache()
    {
        var a = await _store.CreateAsync("/pods/shop/a", Pod("a", 1), CancellationToken.None);
        await _store.CreateAsync("/pods/shop/b", Pod("b", 2), CancellationToken.None);
        await ScrapeAsync();
        Assert.Equal(2, _ksm.Cached);

        await _store.DeleteAsync("/pods/shop/a", a.ModRevision, CancellationToken.None);
        var text = await ScrapeAsync();

        Assert.DoesNotContain("pod=\"a\"", text, StringComparison.Ordinal);
        Assert.Contains("kube_pod_info{namespace=\"shop\",pod=\"b\"", text, StringComparison.Ordinal);
        Assert.Equal(1, _ksm.Cached);
        Assert.Equal(0, _ksm.LastParsed);
    }

    [Fact]
    public async Task A_pod_deleted_and_created_again_under_its_name_is_rendered_from_the_new_object()
    {
        var a = await _store.CreateAsync("/pods/shop/a", Pod("a", 1), CancellationToken.None);
        await ScrapeAsync();
        await _store.DeleteAsync("/pods/shop/a", a.ModRevision, CancellationToken.None);
        await _store.CreateAsync("/pods/shop/a", Pod("a", 0), CancellationToken.None);

        var text = await ScrapeAsync();

        Assert.Equal(1, _ksm.LastParsed);
        Assert.Contains("kube_pod_container_status_restarts_total{namespace=\"shop\",pod=\"a\",uid=\"uid-a\",container=\"app\"} 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrapes_read_a_cache_that_follows_the_store_so_the_store_is_listed_once_per_kind()
    {
        var counting = new ListCountingStore(_store);
        using var registry = new MetricsRegistry(_ => false);
        using var ksm = new KubeStateMetrics(new ObjectStore(counting));
        registry.Add(ksm);
        var a = await _store.CreateAsync("/pods/shop/a", Pod("a", 1), CancellationToken.None);
        await registry.ScrapeAsync(CancellationToken.None);

        await _store.UpdateAsync("/pods/shop/a", Pod("a", 3), a.ModRevision, CancellationToken.None);
        await _store.CreateAsync("/pods/shop/b", Pod("b", 0), CancellationToken.None);
        var text = await registry.ScrapeAsync(CancellationToken.None);

        Assert.Contains("kube_pod_container_status_restarts_total{namespace=\"shop\",pod=\"a\",uid=\"uid-a\",container=\"app\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("kube_pod_info{namespace=\"shop\",pod=\"b\"", text, StringComparison.Ordinal);
        string[] once = [ObjectStore.Prefix(KnownResources.Deployments, null), ObjectStore.Prefix(KnownResources.Nodes, null), ObjectStore.Prefix(KnownResources.Pods, null)];
        Assert.Equal(once.Order(StringComparer.Ordinal), counting.Listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_scrape_the_cache_cannot_catch_up_with_answers_from_the_cache_after_the_catch_up_timeout()
    {
        // A revision no watch of these keys will reach, as a shared etcd's writes to other keys give.
        var ahead = new ListCountingStore(_store) { RevisionsAhead = 1000 };
        var clock = new FakeTimeProvider();
        using var registry = new MetricsRegistry(_ => false);
        using var ksm = new KubeStateMetrics(new ObjectStore(ahead), clock);
        registry.Add(ksm);
        await _store.CreateAsync("/pods/shop/a", Pod("a", 1), CancellationToken.None);

        var scrape = registry.ScrapeAsync(CancellationToken.None);
        await clock.WaitForTimersAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(scrape.IsCompleted);
        clock.Advance(ksm.CatchUpTimeout);
        var text = await scrape.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("kube_pod_info{namespace=\"shop\",pod=\"a\"", text, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        _registry.Dispose();
        _ksm.Dispose();
        await _store.DisposeAsync();
    }
}
