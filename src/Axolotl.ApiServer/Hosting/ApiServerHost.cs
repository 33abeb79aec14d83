using System.Net;
using Axolotl.Api.Metrics;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Discovery;
using Axolotl.ApiServer.Encryption;
using Axolotl.ApiServer.NodeProxy;
using Axolotl.ApiServer.OpenApi;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Rest;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Watch;
using Axolotl.Hosting;
using Axolotl.Hosting.Logging;
using Axolotl.Hosting.Web;
using Axolotl.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Hosting;

/// <summary>Runs the API server on Kestrel over HTTPS, in front of the given store.</summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiServerHost(WebApplication app, RequestDelegate pipeline, Pki pki, TokenRegistry tokens, Uri url, ControlPlane.ServerLiveness liveness)
    {
        _app = app;
        Pipeline = pipeline;
        Pki = pki;
        Tokens = tokens;
        LoopbackUrl = url;
        Liveness = liveness;
    }

    /// <summary>
    /// What Kestrel runs for each request once it was parsed: size limits, authentication, authorization, flow control
    /// and the router. bench/write-path drives it in process, so the pod write path is measured without TLS and sockets.
    /// </summary>
    public RequestDelegate Pipeline { get; }

    public Pki Pki { get; }
    public TokenRegistry Tokens { get; }

    /// <summary>The URL clients on this host use (loopback when bound to every address).</summary>
    public Uri LoopbackUrl { get; }

    /// <summary>Whether another server's process is gone, so its components' Leases need not be waited out.</summary>
    public ControlPlane.ServerLiveness Liveness { get; }

    /// <summary>The kinds admission reads on creates, kept in memory (<see cref="Registry.Mirrors.StoreMirrors"/>).</summary>
    private static readonly IReadOnlyList<ResourceType> AdmissionMirroredKinds =
    [
        KnownResources.Namespaces,
        KnownResources.ServiceAccounts,
        KnownResources.LimitRanges,
        KnownResources.PriorityClasses,
    ];

    public static async Task<ApiServerHost> StartAsync(ApiServerOptions options, IStore store, TimeProvider clock, ILoggerFactory logging, CancellationToken ct)
    {
        var serving = ServingNames.Compute(options.BindAddress, options.ServiceCidr, options.TlsSans, Dns.GetHostName(), ServingNames.LocalInterfaceAddresses());
        var pki = Pki.LoadOrCreate(options.DataDir, clock, serving.DnsNames, serving.Addresses);
        var tokens = TokenRegistry.LoadOrCreate(options.DataDir);
        // Secrets (by default) are encrypted before they reach the store and decrypted on every read.
        var objects = new ObjectStore(new TransformingStore(store, EncryptionConfiguration.LoadOrCreate(options.DataDir, options.EncryptionProviderConfig)));
        var rbac = new Security.Rbac.RbacPolicyCache(objects, clock, logging.CreateLogger<Security.Rbac.RbacPolicyCache>());
        var nodeGraph = new NodeGraph(objects);
        var authorizer = new Authorizer(new NodeAuthorizer(nodeGraph), () => rbac.Current, new IngressControllerAuthorizer(new IngressControllerGraph(objects)));
        // Built-ins plus every Established CRD's resources; the CRD controller keeps it current (ADR 0021).
        var catalog = new ResourceCatalog();
        var admission = new AdmissionChain(AdmissionOrder.Build(options, objects, authorizer, clock, logging, catalog));
        var serviceAccountKey = ServiceAccounts.ServiceAccountKey.LoadOrCreate(options.DataDir);
        var authentication = new Authentication(tokens, new ClientCertificateAuthenticator(pki.Ca, clock), authorizer)
        {
            ServiceAccountTokens = new ServiceAccounts.ServiceAccountTokenAuthenticator(objects, serviceAccountKey, options.ServiceAccountTokens, clock),
            TokenCache = new TokenAuthenticationCache(clock),
        };
        var authenticationTrust = new ControlPlane.ClusterAuthenticationTrust(objects, admission, clock, logging.CreateLogger<ControlPlane.ClusterAuthenticationTrust>(), AuthenticationInfo(pki));
        var bootstrap = Task.Run(async () =>
        {
            await Bootstrap.EnsureNamespacesAsync(objects, admission, clock, ct);
            await Bootstrap.EnsurePriorityClassesAsync(objects, admission, clock, ct);
            // The default roles and bindings are in place before the first request is authorized.
            await BootstrapPolicy.ReconcileAsync(objects, admission, clock, logging.CreateLogger("Axolotl.BootstrapPolicy"), ct);
            // Aggregated API servers read how to trust this server's front proxy from it as they start.
            await authenticationTrust.ReconcileAsync(ct);
            if (options.DefaultStorageClass)
            {
                await Bootstrap.EnsureStorageClassAsync(objects, admission, clock, ct);
            }
            if (options.EnablePriorityAndFairness)
            {
                await FlowControl.FlowControlBootstrapper.EnsureAsync(objects, admission, clock, logging.CreateLogger("Axolotl.FlowControl"), ct);
            }
        }, ct);
        var flowControl = options.EnablePriorityAndFairness
            ? new FlowControl.FlowControlConfigCache(objects, options.MaxRequestsInflight + options.MaxMutatingRequestsInflight, clock, logging.CreateLogger<FlowControl.FlowControlConfigCache>())
            : null;
        var flowControlMetrics = flowControl is null ? null : new FlowControl.FlowControlMetrics(flowControl);
        var objectCounts = new FlowControl.WorkEstimation.ObjectCountTracker(clock);
        var workEstimator = new FlowControl.WorkEstimation.WorkEstimator(objectCounts, new FlowControl.WorkEstimation.WatchTracker(), new FlowControl.WorkEstimation.WorkEstimatorOptions());
        FlowControl.IRequestLimiter limiter = flowControl is null
            ? new FlowControl.MaxInFlightLimiter(options.MaxRequestsInflight, options.MaxMutatingRequestsInflight)
            : new FlowControl.FlowControlFilter(flowControl, flowControlMetrics!, workEstimator, clock);

        var clientChainPolicy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
        {
            TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
            RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        clientChainPolicy.CustomTrustStore.Add(pki.Ca);
        var builder = EmbeddedWebHost.CreateSlimBuilder();
        builder.Logging.ForwardTo(logging); // Kestrel's own warnings and errors, in our log
        builder.Services.AddSingleton(logging);
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // BodyReader enforces upstream's 3 MiB with a Status.
            Http.RequestSizeLimits.Apply(kestrel.Limits); // upstream's 1 MiB of request line and headers, with a Status beyond
            kestrel.Listen(options.BindAddress, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                // Nodes authenticate with client certificates; everyone else may send none (checked per request, 401 when unknown).
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = pki.Serving,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                    // The handshake's own chain build (its verdict is not used: ClientCertificateAuthenticator decides per
                    // connection) against the cluster CA, not the system store, so a node's handshake reads no system roots.
                    OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = clientChainPolicy.Clone(),
                });
            });
        });
        var app = builder.Build();
        // What admission looks up on every create (a pod's namespace, service account, limit ranges, priority class)
        // is read from memory, as upstream's plugins read listers; until a kind is listed its lookups read the store.
        objects.Mirrors.Start(objects, AdmissionMirroredKinds, clock, logging.CreateLogger("Axolotl.ApiServer.AdmissionMirror"), app.Lifetime.ApplicationStopping);
        var kubeletTls = new KubeletTls(pki.KubeletCa, pki.KubeletClient, clock);
        var (aggregation, remoteDiscovery, remoteOpenApi) = CreateAggregation(objects, pki, clock, logging);
        var router = CreateRouter(objects, catalog, admission, clock, logging, kubeletTls, options.ServiceCidr, authentication,
            new TokenRequests(objects, serviceAccountKey, options.ServiceAccountTokens, clock),
            new ServiceAccounts.IssuerDiscovery(serviceAccountKey, options.ServiceAccountTokens), options, flowControlMetrics?.Meter,
            aggregation, remoteDiscovery, remoteOpenApi, nodeGraph, app.Lifetime.ApplicationStopping);
        if (flowControlMetrics is not null)
        {
            app.Lifetime.ApplicationStopped.Register(flowControlMetrics.Dispose);
        }
        app.UseWebSockets(); // pods/exec
        var dashboard = new Dashboard.DashboardEndpoint(Dashboard.DashboardAssets.Embedded);
        var clusterCa = new ClusterCaEndpoint(pki.CaPem);
        RequestDelegate pipeline = ctx => Metrics.ApiServerMetrics.ObserveAsync(ctx, async () =>
        {
            if (Http.RequestSizeLimits.Exceeded(ctx) is { } tooLong)
            {
                await Http.ResponseWriter.WriteStatusAsync(ctx, tooLong.Status);
                return;
            }
            // The CA a joining node checks against its token's hash before it trusts this server (k3s's /cacerts).
            if (ClusterCaEndpoint.Matches(ctx.Request.Path))
            {
                await clusterCa.ServeAsync(ctx);
                return;
            }
            // The dashboard's static files carry no cluster data; its API calls are authenticated like any other.
            if (Dashboard.DashboardEndpoint.Matches(ctx.Request.Path))
            {
                await dashboard.ServeAsync(ctx);
                return;
            }
            if (await authentication.AuthenticateAsync(ctx))
            {
                // Flow control runs after authorization here (upstream: just before it), so a denied request never takes a seat.
                var attributes = Authentication.Attributes(ctx, RequestPrincipal.Get(ctx) ?? Principal.Anonymous);
                await limiter.ServeAsync(ctx, attributes, () => router.HandleAsync(ctx));
            }
        });
        app.Run(pipeline);
        await bootstrap;
        // Restart with backoff: a ConfigMap someone deleted comes back within a minute, as upstream's resync does.
        _ = DelegateLoop.StartNew("cluster-authentication-trust", LoopFailurePolicy.RestartWithBackoff, authenticationTrust.RunAsync, clock,
            logging.CreateLogger<ControlPlane.ClusterAuthenticationTrust>(), app.Lifetime.ApplicationStopping);
        await rbac.StartAsync(app.Lifetime.ApplicationStopping);
        await new Apiextensions.CustomResourceDefinitionController(objects, catalog, clock, logging.CreateLogger<Apiextensions.CustomResourceDefinitionController>())
            .StartAsync(app.Lifetime.ApplicationStopping);
        if (admission.Plugins.Find<Admission.Webhooks.ValidatingAdmissionWebhook>() is { } webhooks)
        {
            // Requests are served once the webhook configurations were listed, so none skips a webhook that exists.
            await webhooks.Configurations.StartAsync(app.Lifetime.ApplicationStopping);
        }
        if (admission.Plugins.Find<Admission.Policies.ValidatingAdmissionPolicyPlugin>() is { } policyPlugin)
        {
            // Likewise the ValidatingAdmissionPolicies and their bindings.
            await policyPlugin.Policies.StartAsync(app.Lifetime.ApplicationStopping);
        }
        // Requests for aggregated group/versions are routed once the APIServices were listed.
        await aggregation.ApiServices.StartAsync(app.Lifetime.ApplicationStopping);
        // Restart with backoff: without it, aggregated groups would leave discovery until the next start.
        _ = DelegateLoop.StartNew("aggregated-discovery", LoopFailurePolicy.RestartWithBackoff, remoteDiscovery.RunAsync, clock,
            logging.CreateLogger<Aggregation.RemoteDiscovery>(), app.Lifetime.ApplicationStopping);
        // Likewise: without it, kubectl explain would stop knowing aggregated kinds.
        _ = DelegateLoop.StartNew("aggregated-openapi", LoopFailurePolicy.RestartWithBackoff, remoteOpenApi.RunAsync, clock,
            logging.CreateLogger<Aggregation.RemoteOpenApi>(), app.Lifetime.ApplicationStopping);
        if (flowControl is not null)
        {
            await flowControl.StartAsync(app.Lifetime.ApplicationStopping);
            // LISTs are priced by the objects stored: counted before the first request, then every poll period.
            var counter = new FlowControl.WorkEstimation.ObjectCounter(objects, catalog, objectCounts, options.ObjectCountPollPeriod, clock,
                logging.CreateLogger<FlowControl.WorkEstimation.ObjectCounter>());
            await counter.CountAllAsync(app.Lifetime.ApplicationStopping);
            _ = DelegateLoop.StartNew("flow-control-object-count", LoopFailurePolicy.RestartWithBackoff, counter.RunAsync, clock,
                logging.CreateLogger<FlowControl.WorkEstimation.ObjectCounter>(), app.Lifetime.ApplicationStopping);
            _ = new FlowControl.DanglingConditionWriter(objects, flowControl, clock, logging.CreateLogger<FlowControl.DanglingConditionWriter>()).StartAsync(app.Lifetime.ApplicationStopping);
        }
        // Before serving: the first address of the service range is the kubernetes Service's, never another's.
        var advertise = ControlPlane.AdvertiseAddress.Choose(options.BindAddress, options.AdvertiseAddress);
        var kubernetesService = new ControlPlane.KubernetesServiceReconciler(objects, admission, clock, logging.CreateLogger<ControlPlane.KubernetesServiceReconciler>(),
            options.ServiceCidr, advertise, options.Port, ControlPlane.AdvertiseAddress.Listened(options.BindAddress, advertise, options.Port))
        {
            ClusterCidr = options.ClusterCidr,
            PodNetwork = options.PodNetwork,
        };
        if (options.KubernetesService)
        {
            await kubernetesService.ReconcileAsync(ct);
            // Restart with backoff: a round that fails is retried by the loop itself, and without it this server's lease would lapse.
            _ = DelegateLoop.StartNew("kubernetes-service", LoopFailurePolicy.RestartWithBackoff, kubernetesService.RunAsync, clock,
                logging.CreateLogger<ControlPlane.KubernetesServiceReconciler>(), app.Lifetime.ApplicationStopping);
        }
        StartEventExpiry(store, options.EventTtl, clock, logging, app.Lifetime.ApplicationStopping);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            // A port in use: stop what already follows the store before the caller disposes it, or each of them
            // would warn that its watch ended and relist on the way out.
            app.Lifetime.StopApplication();
            throw;
        }
        var host = IsAny(options.BindAddress) ? "127.0.0.1" : options.BindAddress.ToString();
        var liveness = new ControlPlane.ServerLiveness(objects, kubernetesService.Identity.ProcessUid, ControlPlane.NetworkNamespace.Current, clock, logging.CreateLogger<ControlPlane.ServerLiveness>());
        return new ApiServerHost(app, pipeline, pki, tokens, new Uri($"https://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{options.Port}"), liveness);
    }

    /// <summary>
    /// What this server publishes in extension-apiserver-authentication: clients' CA, and kubeadm's requestheader settings
    /// for the front proxy (ADR 0027), which are what <see cref="Aggregation.AuthProxyHeaders"/> sends.
    /// </summary>
    private static ControlPlane.ClusterAuthenticationInfo AuthenticationInfo(Pki pki) => new(
        [pki.Ca], [pki.FrontProxyCa], [Pki.FrontProxyClientName],
        [Aggregation.AuthProxyHeaders.User], [Aggregation.AuthProxyHeaders.Group], [Aggregation.AuthProxyHeaders.ExtraPrefix]);

    private static Watch.Cache.WatchCaches StartWatchCaches(ObjectStore objects, ApiServerOptions options, TimeProvider clock, ILoggerFactory logging, CancellationToken stopping)
    {
        var views = new Watch.Cache.WatchCacheViews(KindViews.ToView, FieldLabels.SupportedBy, FieldLabels.Value);
        var caches = new Watch.Cache.WatchCaches(objects.Store, options.WatchCache, views, clock, logging, stopping);
        caches.StartAll(KnownResources.All);
        return caches;
    }

    private static ApiRouter CreateRouter(ObjectStore objects, ResourceCatalog catalog, AdmissionChain admission, TimeProvider clock, ILoggerFactory logging, KubeletTls kubeletTls, string serviceCidr,
        Authentication authentication, TokenRequests tokenRequests, ServiceAccounts.IssuerDiscovery issuerDiscovery, ApiServerOptions options,
        System.Diagnostics.Metrics.Meter? flowControlMeter, Aggregation.AggregationRoutes aggregation, Aggregation.RemoteDiscovery remoteDiscovery, Aggregation.RemoteOpenApi remoteOpenApi, NodeGraph nodeGraph,
        CancellationToken stopping)
    {
        // Conversion webhooks are called as admission webhooks are (caBundle, Service endpoints), on a transport of their own.
        var conversionClient = new Admission.Webhooks.WebhookClient(new Backends.BackendTransport(), AdmissionOrder.ResolveServiceWebhook(objects), clock);
        var services = new RestServices(objects, admission, clock, logging, stopping)
        {
            Views = new ObjectViews(new Apiextensions.Conversion.CustomResourceConverters(conversionClient)),
            MinRequestTimeout = options.MinRequestTimeout,
            Services = new ServiceAllocator(objects, serviceCidr, clock),
        };
        if (admission.Plugins.Find<Admission.Quota.QuotaAdmission>() is { } quota)
        {
            _ = quota.Status.StartAsync(stopping); // keeps ResourceQuota status current until shutdown
        }
        var reads = new ReadHandler(services);
        var creates = new CreateHandler(services);
        var updates = new UpdateHandler(services, creates);
        var deletes = new DeleteHandler(services);
        var caches = StartWatchCaches(objects, options, clock, logging, stopping);
        nodeGraph.UsePodIndex(caches);
        reads.IndexedLists = new Watch.Cache.IndexedListReader(caches, objects.Store) { Time = clock };
        var resources = new ResourceHandler(reads, creates, updates, deletes,
            new WatchHandler(services, reads, caches), new ScaleHandler(services, updates), new PodSubresources(services, deletes),
            new NodeProxy.NodeProxy(services, kubeletTls), new Reviews(authentication))
        {
            TokenRequests = tokenRequests,
            ResourceMetrics = StartResourceMetrics(objects, kubeletTls, options.MetricResolution, clock, logging, stopping),
        };
        var openApi = new ServedOpenApi(Task.Run(() => new OpenApiV3(KnownResources.All)), catalog, () => remoteOpenApi.Current);
        // The in-process controllers' work queues and the scheduler record on meters of their own; /metrics
        // shows them next to the server's. The agents' kubelet and healing metrics are on each node's /metrics
        // (a local agent's meters share the process, but not this endpoint).
        string[] meters = [Metrics.ApiServerMetrics.MeterName, "Axolotl.Workqueue", "Axolotl.Scheduler", global::Axolotl.Hosting.Memory.MemoryReclaimer.MeterName];
        // Flow control's meter by reference: its gauges read this server's queues, not another's in the same process.
        var metrics = new MetricsRegistry(i => meters.Contains(i.Meter.Name, StringComparer.Ordinal) || ReferenceEquals(i.Meter, flowControlMeter));
        metrics.Add(new Metrics.StorageObjectsCollector(objects, catalog));
        metrics.Add(new ProcessCollector());
        var kubeState = new MetricsRegistry(_ => false);
        // Follows the store from the first scrape until shutdown.
        kubeState.Add(new Metrics.KubeStateMetrics(objects, clock, logging.CreateLogger<Metrics.KubeStateMetrics>()) { Lifetime = stopping });
        return new ApiRouter(resources, new ServedDiscovery(catalog, () => remoteDiscovery.Current), openApi, logging.CreateLogger<ApiRouter>())
        {
            Aggregation = aggregation,
            IssuerDiscovery = issuerDiscovery,
            Metrics = new Metrics.MetricsEndpoint(metrics),
            KubeStateMetrics = new Metrics.MetricsEndpoint(kubeState),
            Stopping = stopping,
        };
    }

    /// <summary>kube-aggregator's share: the APIServices, the proxy to the remote ones, their discovery and OpenAPI, one transport for all.</summary>
    private static (Aggregation.AggregationRoutes Routes, Aggregation.RemoteDiscovery Discovery, Aggregation.RemoteOpenApi OpenApi) CreateAggregation(
        ObjectStore objects, Pki pki, TimeProvider clock, ILoggerFactory logging)
    {
        var apiServices = new Aggregation.ApiServiceCache(objects, clock, logging.CreateLogger<Aggregation.ApiServiceCache>());
        var resolver = new Aggregation.ServiceEndpointResolver(objects);
        var transport = new Backends.BackendTransport();
        var proxy = new Aggregation.AggregatorProxy(resolver, transport, pki.FrontProxyClient, logging.CreateLogger<Aggregation.AggregatorProxy>());
        var fetcher = new Aggregation.RemoteFetcher(resolver, transport, pki.FrontProxyClient, clock);
        var discovery = new Aggregation.RemoteDiscovery(apiServices, fetcher, clock, logging.CreateLogger<Aggregation.RemoteDiscovery>());
        var openApi = new Aggregation.RemoteOpenApi(apiServices, fetcher, clock, logging.CreateLogger<Aggregation.RemoteOpenApi>());
        return (new Aggregation.AggregationRoutes(apiServices, proxy), discovery, openApi);
    }

    private static Metrics.ResourceMetricsHandler StartResourceMetrics(ObjectStore objects, KubeletTls kubeletTls, TimeSpan resolution, TimeProvider clock, ILoggerFactory logging, CancellationToken stopping)
    {
        var cache = new Metrics.ResourceMetricsCache();
        var log = logging.CreateLogger<Metrics.ResourceMetricsScraper>();
        var scraper = new Metrics.ResourceMetricsScraper(objects, kubeletTls, cache, resolution, clock, log);
        // Scrapes every agent until shutdown; restart with backoff, as a scraper that stopped would leave kubectl top empty.
        _ = DelegateLoop.StartNew("resource-metrics-scraper", LoopFailurePolicy.RestartWithBackoff, scraper.RunAsync, clock, log, stopping);
        return new Metrics.ResourceMetricsHandler(objects, cache, clock);
    }

    /// <summary>
    /// Deletes Events --event-ttl after their last write, as etcd's lease on each Event does for kube-apiserver. On the
    /// raw store: it reads keys and revisions only (encryption does not matter), and the deletion reaches every
    /// watcher as an ordinary DELETED. Every
    /// server sharing an etcd runs one; the revision precondition makes a second deletion of the same write a no-op.
    /// </summary>
    private static void StartEventExpiry(IStore store, TimeSpan ttl, TimeProvider clock, ILoggerFactory logging, CancellationToken stopping)
    {
        var log = logging.CreateLogger<Axolotl.Storage.Expiry.ExpirySweeper>();
        var sweeper = new Axolotl.Storage.Expiry.ExpirySweeper(store, ObjectStore.Prefix(KnownResources.Events, null), ttl, clock, log);
        // Restart with backoff: a watch that was compacted away or a store that went away relists, keeping known expiries.
        _ = DelegateLoop.StartNew("event-ttl", LoopFailurePolicy.RestartWithBackoff, sweeper.RunAsync, clock, log, stopping);
    }

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    public async Task StopAsync(CancellationToken ct) => await _app.StopAsync(ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
