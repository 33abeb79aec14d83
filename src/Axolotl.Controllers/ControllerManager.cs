using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Certificates;
using Axolotl.Controllers.CronJobs;
using Axolotl.Controllers.DaemonSets;
using Axolotl.Controllers.Deployments;
using Axolotl.Controllers.Endpoints;
using Axolotl.Controllers.EndpointSlices;
using Axolotl.Controllers.GarbageCollector;
using Axolotl.Controllers.Jobs;
using Axolotl.Controllers.Namespace;
using Axolotl.Controllers.NodeIpam;
using Axolotl.Controllers.NodeLifecycle;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Controllers.Disruption;
using Axolotl.Controllers.ServiceLoadBalancer;
using Axolotl.Controllers.ServiceAccounts;
using Axolotl.Controllers.StatefulSets;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers;

/// <summary>Which controllers <see cref="ControllerManager"/> runs and how.</summary>
public sealed record ControllerManagerOptions
{
    /// <summary>
    /// The process's informers, started by its owner, which the controllers share with each other and with
    /// the other components of the process; null: the manager makes its own, shared by its controllers.
    /// </summary>
    public SharedInformerFactory? Informers { get; init; }

    public bool GarbageCollector { get; init; } = true;

    public bool Namespace { get; init; } = true;

    public bool ReplicaSet { get; init; } = true;

    public bool ReplicationController { get; init; } = true;

    public bool Deployment { get; init; } = true;

    public bool DaemonSet { get; init; } = true;

    public bool StatefulSet { get; init; } = true;
    /// <summary>The Job controller and the TTL-after-finished controller.</summary>
    public bool Job { get; init; } = true;

    public JobControllerOptions JobOptions { get; init; } = new();

    public bool CronJob { get; init; } = true;

    public CronJobControllerOptions CronJobOptions { get; init; } = new();

    /// <summary>The clock of the CronJob controller; null: the manager's. A test may run schedules faster.</summary>
    public TimeProvider? CronJobClock { get; init; }

    /// <summary>Node health, node taints, taint-based eviction and the terminating/orphaned pod collector.</summary>
    public bool NodeLifecycle { get; init; } = true;

    public NodeLifecycleOptions NodeLifecycleOptions { get; init; } = new();

    /// <summary>Node IPAM (--allocate-node-cidrs): each Node's pod CIDR from the cluster CIDR; null: nodes bring their own.</summary>
    public NodeIpamOptions? NodeIpam { get; init; } = new();

    public bool Endpoints { get; init; } = true;

    public bool EndpointSlice { get; init; } = true;

    /// <summary>Publishes a Ready node's address as LoadBalancer Services' ingress.</summary>
    public bool ServiceLoadBalancer { get; init; } = true;

    /// <summary>Scales workloads to their HorizontalPodAutoscalers' metric targets, evaluating each once per <see cref="HorizontalPodAutoscalerSyncPeriod"/>.</summary>
    public bool HorizontalPodAutoscaler { get; init; } = true;

    public TimeSpan HorizontalPodAutoscalerSyncPeriod { get; init; } = PodAutoscaler.HorizontalPodAutoscalerController.DefaultSyncPeriod;

    /// <summary>Keeps PodDisruptionBudget status (ALLOWED DISRUPTIONS) current.</summary>
    public bool Disruption { get; init; } = true;

    /// <summary>Binds claims to volumes, provisions local-path volumes, reclaims released ones, and the pvc/pv-protection finalizers.</summary>
    public bool PersistentVolume { get; init; } = true;

    /// <summary>Fills aggregated ClusterRoles (admin, edit, view) from the ClusterRoles their selectors match.</summary>
    public bool ClusterRoleAggregation { get; init; } = true;

    /// <summary>Approves and signs kubelet certificate requests; null (no CA at hand) leaves them pending.</summary>
    public CertificateSigningOptions? CertificateSigning { get; init; }

    /// <summary>Creates the <c>default</c> ServiceAccount in every namespace.</summary>
    public bool ServiceAccounts { get; init; } = true;

    /// <summary>A Local APIService for every built-in group/version and every served CRD version (kube-apiserver's autoregistration).</summary>
    public bool ApiServiceAutoregistration { get; init; } = true;

    /// <summary>Keeps every APIService's Available condition current.</summary>
    public bool ApiServiceAvailability { get; init; } = true;

    /// <summary>
    /// The front-proxy client certificate the availability probe presents to aggregated API servers (the API server's;
    /// the probe runs where kube-aggregator's would); null: the probe presents none.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? AggregatorProxyClientCertificate { get; init; }

    /// <summary>The cluster CA (PEM) published as <c>kube-root-ca.crt</c> in every namespace; null: not published.</summary>
    public string? RootCaPem { get; init; }

    public GarbageCollectorOptions GarbageCollectorOptions { get; init; } = new();

    public EndpointsControllerOptions EndpointsOptions { get; init; } = new();

    public EndpointSliceControllerOptions EndpointSliceOptions { get; init; } = new();

    public NamespaceControllerOptions NamespaceOptions { get; init; } = new();

    /// <summary>Shared by the ReplicaSet and the ReplicationController controllers.</summary>
    public ReplicaSetControllerOptions ReplicaSetOptions { get; init; } = new();

    public DeploymentControllerOptions DeploymentOptions { get; init; } = new();
}

/// <summary>
/// Starts the control-plane controllers against an API server reached only through
/// <paramref name="client"/> (in <c>axolotl server</c>: a client for its own loopback URL).
/// <see cref="StartAsync"/> returns as soon as the loops are running; they sync in the background.
/// </summary>
public sealed class ControllerManager : IAsyncDisposable
{
    private readonly List<BackgroundLoop> _loops = [];
    private readonly List<IDisposable> _disposables = [];
    private readonly CancellationTokenSource? _ownInformers;

    private ControllerManager(SharedInformerFactory informers, CancellationTokenSource? ownInformers)
    {
        Informers = informers;
        _ownInformers = ownInformers;
    }

    /// <summary>The informers the controllers read.</summary>
    public SharedInformerFactory Informers { get; }

    public GarbageCollectorController? GarbageCollector { get; private set; }

    public NamespaceController? Namespaces { get; private set; }

    public ReplicaSetController<ReplicaSet>? ReplicaSets { get; private set; }

    public ReplicaSetController<ReplicationController>? ReplicationControllers { get; private set; }

    public DeploymentController? Deployments { get; private set; }

    public DaemonSetController? DaemonSets { get; private set; }

    public StatefulSetController? StatefulSets { get; private set; }
    public JobController? Jobs { get; private set; }

    public CronJobController? CronJobs { get; private set; }

    public NodeLifecycleController? NodeLifecycle { get; private set; }

    public NodeIpamController? NodeIpam { get; private set; }

    public EndpointsController? Endpoints { get; private set; }

    public EndpointSliceController? EndpointSlices { get; private set; }

    public ServiceLoadBalancerController? ServiceLoadBalancers { get; private set; }

    public DisruptionController? Disruption { get; private set; }

    public CertificateSigningController? CertificateSigning { get; private set; }

    public ServiceAccountsController? ServiceAccounts { get; private set; }

    public RootCaCertPublisher.RootCaCertPublisher? RootCaCertPublisher { get; private set; }

    public IReadOnlyList<BackgroundLoop> Loops => _loops;

    /// <summary>Completes when every loop has ended; faults if one failed fast.</summary>
    public Task Completion => Task.WhenAll(_loops.Select(l => l.Completion));

    public static Task<ControllerManager> StartAsync(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken ct) =>
        StartAsync(client, loggerFactory, time, new ControllerManagerOptions(), ct);

    public static Task<ControllerManager> StartAsync(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, ControllerManagerOptions options, CancellationToken ct)
    {
        var ownInformers = options.Informers is null ? CancellationTokenSource.CreateLinkedTokenSource(ct) : null;
        var manager = new ControllerManager(options.Informers ?? new SharedInformerFactory(client, loggerFactory, time), ownInformers);
        var informers = manager.Informers;
        if (options.GarbageCollector)
        {
            manager.GarbageCollector = new GarbageCollectorController(client, loggerFactory, time, options.GarbageCollectorOptions, informers);
            manager._loops.Add(manager.GarbageCollector);
        }
        if (options.Namespace)
        {
            manager.Namespaces = new NamespaceController(client, loggerFactory, time, options.NamespaceOptions, informers);
            manager._loops.Add(manager.Namespaces);
        }
        if (options.ReplicaSet)
        {
            manager.ReplicaSets = new ReplicaSetController<ReplicaSet>(client, ReplicaSetKind.Instance, loggerFactory, time, options.ReplicaSetOptions, informers);
            manager._loops.Add(manager.ReplicaSets);
        }
        if (options.ReplicationController)
        {
            manager.ReplicationControllers = new ReplicaSetController<ReplicationController>(client, ReplicationControllerKind.Instance, loggerFactory, time, options.ReplicaSetOptions, informers);
            manager._loops.Add(manager.ReplicationControllers);
        }
        if (options.Deployment)
        {
            manager.Deployments = new DeploymentController(client, loggerFactory, time, options.DeploymentOptions, informers);
            manager._loops.Add(manager.Deployments);
        }
        if (options.DaemonSet)
        {
            manager.DaemonSets = new DaemonSetController(client, loggerFactory, time, informerFactory: informers);
            manager._loops.Add(manager.DaemonSets);
        }
        if (options.StatefulSet)
        {
            manager.StatefulSets = new StatefulSetController(client, loggerFactory, time, informerFactory: informers);
            manager._loops.Add(manager.StatefulSets);
        }
        if (options.Job)
        {
            manager.Jobs = new JobController(client, loggerFactory, time, options.JobOptions, informers);
            manager._loops.Add(manager.Jobs);
            manager._loops.Add(new TtlAfterFinishedController(client, loggerFactory, time, informers));
        }
        if (options.CronJob)
        {
            manager.CronJobs = new CronJobController(client, loggerFactory, options.CronJobClock ?? time, options.CronJobOptions, informers);
            manager._loops.Add(manager.CronJobs);
        }
        if (options.HorizontalPodAutoscaler)
        {
            manager._loops.Add(new PodAutoscaler.HorizontalPodAutoscalerController(client, loggerFactory, time, options.HorizontalPodAutoscalerSyncPeriod));
        }
        if (options.NodeLifecycle)
        {
            manager.NodeLifecycle = new NodeLifecycleController(client, loggerFactory, time, options.NodeLifecycleOptions, informers);
            manager._loops.Add(manager.NodeLifecycle);
        }
        if (options.Endpoints)
        {
            manager.Endpoints = new EndpointsController(client, loggerFactory, time, options.EndpointsOptions, informers);
            manager._loops.Add(manager.Endpoints);
        }
        if (options.EndpointSlice)
        {
            manager.EndpointSlices = new EndpointSliceController(client, loggerFactory, time, options.EndpointSliceOptions, informers);
            manager._loops.Add(manager.EndpointSlices);
        }
        if (options.NodeIpam is { } ipam)
        {
            manager.NodeIpam = new NodeIpamController(client, ipam, loggerFactory, time, informers);
            manager._loops.Add(manager.NodeIpam);
        }
        if (options.ServiceLoadBalancer)
        {
            manager.ServiceLoadBalancers = new ServiceLoadBalancerController(client, loggerFactory, time, informers);
            manager._loops.Add(manager.ServiceLoadBalancers);
        }
        if (options.Disruption)
        {
            manager.Disruption = new DisruptionController(client, loggerFactory, time, informers);
            manager._loops.Add(manager.Disruption);
        }
        if (options.PersistentVolume)
        {
            manager._loops.Add(new Volumes.PersistentVolumeController(client, loggerFactory, time, informers));
        }
        if (options.ClusterRoleAggregation)
        {
            manager._loops.Add(new ClusterRoleAggregation.ClusterRoleAggregationController(client, loggerFactory, time, informers));
        }
        if (options.CertificateSigning is { } signing)
        {
            manager.CertificateSigning = new CertificateSigningController(client, loggerFactory, time, signing, informers);
            manager._loops.Add(manager.CertificateSigning);
        }
        if (options.ServiceAccounts)
        {
            manager.ServiceAccounts = new ServiceAccountsController(client, loggerFactory, time, informers);
            manager._loops.Add(manager.ServiceAccounts);
        }
        if (options.ApiServiceAutoregistration)
        {
            manager._loops.Add(new Autoregister.AutoregisterController(client, loggerFactory, time, informers));
        }
        if (options.ApiServiceAvailability)
        {
            var probe = new ApiServiceAvailability.HttpDiscoveryProbe(options.AggregatorProxyClientCertificate, time);
            manager._disposables.Add(probe);
            manager._loops.Add(new ApiServiceAvailability.ApiServiceAvailabilityController(client, loggerFactory, time, probe, informers));
        }
        if (options.RootCaPem is { } rootCa)
        {
            manager.RootCaCertPublisher = new RootCaCertPublisher.RootCaCertPublisher(client, rootCa, loggerFactory, time, informers);
            manager._loops.Add(manager.RootCaCertPublisher);
        }
        foreach (var loop in manager._loops)
        {
            loop.Start(ct);
        }
        // Every controller asks for its informers as its loop starts; any asked for later start at once.
        if (ownInformers is not null)
        {
            manager.Informers.Start(ownInformers.Token);
        }
        return Task.FromResult(manager);
    }

    /// <summary>Stops every loop and waits for them.</summary>
    public async Task StopAsync()
    {
        await Task.WhenAll(_loops.Select(l => l.StopAsync()));
        // Informers the manager made stop with it; shared ones run on for the rest of the process.
        if (_ownInformers is not null)
        {
            await _ownInformers.CancelAsync();
            await Informers.WhenStoppedAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var loop in _loops)
        {
            await loop.DisposeAsync();
        }
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
        if (_ownInformers is not null)
        {
            await _ownInformers.CancelAsync();
            await Informers.WhenStoppedAsync();
            _ownInformers.Dispose();
        }
    }
}
