using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Endpoints;
using Axolotl.Controllers.EndpointSlices;
using Axolotl.Controllers.Runtime;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Tests.Endpoints;

/// <summary>Both endpoint controllers against the real API server over HTTPS: informers, writes and no-op syncs.</summary>
[Trait("Category", "Integration")]
public sealed class EndpointControllersIntegrationTests : IAsyncLifetime
{
    private InProcessCluster? _cluster;
    private EndpointsController? _endpoints;
    private EndpointSliceController? _slices;

    private KubeClient Client => _cluster!.Client;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
        _endpoints = new EndpointsController(Client, NullLoggerFactory.Instance, TimeProvider.System);
        _slices = new EndpointSliceController(Client, NullLoggerFactory.Instance, TimeProvider.System);
        _endpoints.Start(CancellationToken.None);
        _slices.Start(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _endpoints!.DisposeAsync();
        await _slices!.DisposeAsync();
        await _cluster!.DisposeAsync();
    }

    [Fact]
    public async Task Endpoints_and_slices_follow_pod_readiness_and_the_endpoints_go_with_the_service()
    {
        await Client.CreateAsync(new Service
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
            Spec = new ServiceSpec { Selector = new() { ["app"] = "web" }, Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] },
        }, CancellationToken.None);
        await RunningPodAsync("a", "10.244.0.2", ready: true);
        await RunningPodAsync("b", "10.244.0.3", ready: false);

        var endpoints = await Eventually.UntilAsync(() => Client.Resource<Api.Core.Endpoints>().TryGetAsync("default", "web", CancellationToken.None),
            e => e?.Subsets is [{ Addresses.Count: 1, NotReadyAddresses.Count: 1 }], "one ready and one not ready address");
        Assert.Equal("10.244.0.2", endpoints!.Subsets![0].Addresses![0].Ip);
        Assert.Equal(("http", 8080), (endpoints.Subsets[0].Ports![0].Name, endpoints.Subsets[0].Ports![0].Port));
        Assert.True(endpoints.Metadata.Annotations!.ContainsKey(PodEndpointRules.LastChangeTriggerTimeAnnotation));

        var slice = (await Eventually.UntilAsync(SlicesAsync, s => s.Count == 1 && s[0].Endpoints.Count == 2, "a slice with both pods")).Single();
        Assert.StartsWith("web-", slice.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal("http", slice.Ports!.Single().Name);

        await SetReadyAsync("b", true);
        await Eventually.UntilAsync(() => Client.Resource<Api.Core.Endpoints>().TryGetAsync("default", "web", CancellationToken.None),
            e => e?.Subsets is [{ Addresses.Count: 2, NotReadyAddresses: null }], "both addresses ready");
        var after = (await Eventually.UntilAsync(SlicesAsync, s => s.Count == 1 && s[0].Endpoints.All(e => e.Conditions!.Ready == true), "both endpoints ready")).Single();
        Assert.Equal(slice.Metadata.Name, after.Metadata.Name);

        // Settled: further syncs (the controllers see their own writes) change nothing.
        var version = after.Metadata.ResourceVersion;
        await Client.PatchAsync<Service>("default", "web", PatchType.Merge, """{"metadata":{"annotations":{"touched":"yes"}}}""", CancellationToken.None);
        var settled = await Client.Resource<Api.Core.Endpoints>().GetAsync("default", "web", CancellationToken.None);
        await QuietPeriod.HoldsAsync(TimeSpan.FromMilliseconds(300),
            async () => (await SlicesAsync()).Single().Metadata.ResourceVersion == version
                && (await Client.Resource<Api.Core.Endpoints>().GetAsync("default", "web", CancellationToken.None)).Metadata.ResourceVersion == settled.Metadata.ResourceVersion,
            "the slice and the Endpoints unchanged by the syncs that follow");
        Assert.Equal(version, (await SlicesAsync()).Single().Metadata.ResourceVersion);
        Assert.Equal(settled.Metadata.ResourceVersion, (await Client.Resource<Api.Core.Endpoints>().GetAsync("default", "web", CancellationToken.None)).Metadata.ResourceVersion);

        await Client.DeleteAsync<Service>("default", "web", null, CancellationToken.None);
        await Eventually.UntilAsync(() => Client.Resource<Api.Core.Endpoints>().TryGetAsync("default", "web", CancellationToken.None), e => e is null, "the Endpoints deleted");
    }

    [Fact]
    public async Task A_service_without_a_selector_keeps_its_hand_written_endpoints()
    {
        await Client.CreateAsync(new Service
        {
            Metadata = new ObjectMeta { Name = "external", Namespace = "default" },
            Spec = new ServiceSpec { Ports = [new ServicePort { Port = 5432 }] },
        }, CancellationToken.None);
        await Client.CreateAsync(new Api.Core.Endpoints
        {
            Metadata = new ObjectMeta { Name = "external", Namespace = "default" },
            Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "192.0.2.50" }], Ports = [new Api.Core.EndpointPort { Port = 5432 }] }],
        }, CancellationToken.None);
        await QuietPeriod.HoldsAsync(TimeSpan.FromMilliseconds(500),
            async () => (await Client.Resource<Api.Core.Endpoints>().GetAsync("default", "external", CancellationToken.None)).Subsets is [{ Addresses: [{ Ip: "192.0.2.50" }] }]
                && (await SlicesAsync("external")).Count == 0,
            "the hand-written Endpoints kept and no slice made");

        var endpoints = await Client.Resource<Api.Core.Endpoints>().GetAsync("default", "external", CancellationToken.None);
        Assert.Equal("192.0.2.50", endpoints.Subsets!.Single().Addresses!.Single().Ip);
        Assert.Empty(await SlicesAsync("external"));
    }

    [Fact]
    public async Task An_endpoints_seen_before_its_service_is_not_deleted_as_a_leftover()
    {
        await Client.CreateAsync(new Service
        {
            Metadata = new ObjectMeta { Name = "early", Namespace = "default" },
            Spec = new ServiceSpec { Ports = [new ServicePort { Port = 5432 }] },
        }, CancellationToken.None);
        await Client.CreateAsync(new Api.Core.Endpoints
        {
            Metadata = new ObjectMeta { Name = "early", Namespace = "default" },
            Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "192.0.2.51" }], Ports = [new Api.Core.EndpointPort { Port = 5432 }] }],
        }, CancellationToken.None);
        // The race CI hit, made certain: the Endpoints cache has the object, the Service cache not yet.
        var notYetSynced = new SharedInformer<Service>(Client.Resource<Service>(), TimeProvider.System);
        var endpointsCache = new SharedInformer<Api.Core.Endpoints>(Client.Resource<Api.Core.Endpoints>(), TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var running = endpointsCache.RunAsync(stop.Token);
        await endpointsCache.WaitForSyncAsync(CancellationToken.None);
        var reconciler = new EndpointsReconciler(Client, notYetSynced.Lister, new SharedInformer<Pod>(Client.Resource<Pod>(), TimeProvider.System).Lister,
            endpointsCache.Lister, new TriggerTimeTracker(), new WrittenVersions(TimeProvider.System), NullLogger.Instance);

        await reconciler.ReconcileAsync(new ObjectKey("default", "early"), CancellationToken.None);

        Assert.NotNull(await Client.Resource<Api.Core.Endpoints>().TryGetAsync("default", "early", CancellationToken.None));
        await stop.CancelAsync();
        await running;
    }

    private Task<IReadOnlyList<EndpointSlice>> SlicesAsync() => SlicesAsync("web");

    private async Task<IReadOnlyList<EndpointSlice>> SlicesAsync(string service) =>
        (await Client.ListAsync<EndpointSlice>("default", new ListOptions { LabelSelector = $"kubernetes.io/service-name={service}" }, CancellationToken.None)).Items;

    private async Task RunningPodAsync(string name, string ip, bool ready)
    {
        var pod = await Client.CreateAsync(new Pod
        {
            Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = new() { ["app"] = "web" } },
            Spec = new PodSpec { NodeName = "node-1", Containers = [new Container { Name = "app", Image = "busybox" }] },
        }, CancellationToken.None);
        pod.Status = new PodStatus
        {
            Phase = "Running",
            PodIP = ip,
            PodIPs = [new PodIP { Ip = ip }],
            Conditions = [new PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = DateTimeOffset.UnixEpoch.AddDays(20000) }],
        };
        await Client.UpdateStatusAsync(pod, CancellationToken.None);
    }

    private async Task SetReadyAsync(string name, bool ready)
    {
        var pod = await Client.GetAsync<Pod>("default", name, CancellationToken.None);
        pod.Status!.Conditions = [new PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = DateTimeOffset.UnixEpoch.AddDays(20001) }];
        await Client.UpdateStatusAsync(pod, CancellationToken.None);
    }
}
