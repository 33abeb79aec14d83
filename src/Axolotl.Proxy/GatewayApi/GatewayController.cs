using System.Net;
using System.Threading.Channels;
using Axolotl.Api.Apiextensions;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Hosting;
using Axolotl.Proxy.GatewayApi.Model;
using Axolotl.Proxy.Ingress;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// The node's Gateway API controller (ADR 0028), a second source of routes for the Ingress controller's data plane.
/// It waits for the gateway.networking.k8s.io CRDs, then watches GatewayClasses, Gateways, HTTPRoutes and
/// ReferenceGrants; one loop rebuilds the <see cref="GatewayRouteTable"/> (<see cref="GatewayRouteTableBuilder"/>),
/// opens a listener on each Gateway listener's port on loopback and the node's own addresses (never the wildcard, as
/// the Ingress controller: ADR 0025), and writes the status of the classes, Gateways and routes it serves. Requests
/// go through <see cref="GatewayRequestHandler"/> to the service proxy's endpoints with the Ingress controller's
/// <see cref="BackendForwarder"/>.
/// </summary>
public sealed class GatewayController : IAsyncDisposable
{
    private readonly KubeClient _client;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _logging;
    private readonly ILogger _logger;
    private readonly SharedInformerFactory _informers;
    private readonly bool _ownsInformers;
    private readonly SharedInformer<CustomResourceDefinition> _crds;
    private readonly SharedInformer<Service> _services;
    private readonly ITlsSecretSource _secrets;
    private readonly SharedInformer<Namespace> _namespaces;
    private readonly SharedInformerOptions _customOptions;
    private readonly TlsSecretReader _tlsSecrets = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _fallback;
    private readonly List<IDisposable> _registrations = [];
    // Wake-ups, not work items: capacity 1 and DropWrite, so changes during a pass collapse into one more pass.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunningInformer<GatewayClass>? _classes;
    private RunningInformer<Gateway>? _gateways;
    private RunningInformer<HTTPRoute>? _routes;
    private RunningInformer<ReferenceGrant>? _grants;
    private ServiceProxy? _proxy;
    private IngressListenerSet? _listeners;
    private DelegateLoop? _loop;
    private GatewayRouteTable _table = GatewayRouteTable.Empty;
    private IReadOnlyDictionary<int, IngressCertificates> _certificates = new Dictionary<int, IngressCertificates>();
    private int _stopped;
    private (int, int, string) _lastSummary;

    private GatewayController(KubeClient client, SharedInformerFactory? informers, GatewayOptions options, ILoggerFactory logging, TimeProvider time, CancellationToken ct)
    {
        _client = client;
        _options = options;
        _time = time;
        _logging = logging;
        _logger = logging.CreateLogger<GatewayController>();
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _ownsInformers = informers is null;
        _customOptions = new SharedInformerOptions { InitialBackoff = options.InformerInitialBackoff, MaxBackoff = options.InformerMaxBackoff };
        _informers = informers ?? new SharedInformerFactory(client, logging, time, _customOptions);
        _crds = _informers.For<CustomResourceDefinition>();
        _services = _informers.For<Service>();
        _secrets = options.ReadSecretsByName
            ? new TlsSecretWatchManager(client, time, _logger, options.InformerInitialBackoff, options.InformerMaxBackoff, _stop.Token)
            : new InformerTlsSecretSource(_informers.For<Secret>());
        _namespaces = _informers.For<Namespace>();
        _fallback = SelfSignedCertificate.Create(time);
    }

    /// <summary>The routes served now.</summary>
    public GatewayRouteTable Routes => Volatile.Read(ref _table);

    /// <summary>The endpoints listening now.</summary>
    public IReadOnlyList<IngressEndpoint> Listening => _listeners?.Listening ?? [];

    public static async Task<GatewayController> StartAsync(KubeClient client, SharedInformerFactory? informers, GatewayOptions options, IngressOptions forwarding,
        ServiceProxy proxy, ILoggerFactory logging, TimeProvider time, CancellationToken ct)
    {
        var controller = new GatewayController(client, informers, options, logging, time, ct);
        try
        {
            controller.Start(forwarding, proxy);
        }
        catch
        {
            await controller.DisposeAsync();
            throw;
        }
        await Task.CompletedTask;
        return controller;
    }

    /// <summary>Completes once the core caches have synced and the first pass ran.</summary>
    public Task WaitForSyncAsync(CancellationToken ct) => _synced.Task.WaitAsync(ct);

    private void Start(IngressOptions forwarding, ServiceProxy proxy)
    {
        var ct = _stop.Token;
        _registrations.Add(_crds.AddEventHandler(new ResourceEventHandler<CustomResourceDefinition>(_ => Wake(), (_, _) => Wake(), _ => Wake())));
        _registrations.Add(_services.AddEventHandler(new ResourceEventHandler<Service>(_ => Wake(), (_, _) => Wake(), _ => Wake())));
        _registrations.Add(_secrets.OnChange(Wake));
        _registrations.Add(_namespaces.AddEventHandler(new ResourceEventHandler<Namespace>(_ => Wake(), (o, n) =>
        {
            // Only a label change can move a namespace in or out of an allowedRoutes selector.
            if (!LabelsEqual(o.Metadata.Labels, n.Metadata.Labels))
            {
                Wake();
            }
        }, _ => Wake())));
        if (_ownsInformers)
        {
            _informers.Start(ct);
        }
        var resolver = new IngressBackendResolver((ns, name) => _services.Lister.Get(ns, name), () => proxy.Snapshot);
        var http = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = forwarding.ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ActivityHeadersPropagator = null,
        });
        var handler = new GatewayRequestHandler(() => Routes, new BackendForwarder(resolver, proxy.Picker, http, forwarding, _logger));
        _listeners = new IngressListenerSet((endpoint, token) => IngressListener.StartAsync(endpoint,
            endpoint.Tls ? name => Certificate(endpoint.Port, name) : null, forwarding, handler.HandleAsync, _logging, token), _logger);
        _proxy = proxy;
        proxy.SnapshotChanged += Wake;
        // Restart with backoff: the body logs and retries its own failures, and a dead loop would serve stale routes forever.
        _loop = DelegateLoop.StartNew("gateway-sync", LoopFailurePolicy.RestartWithBackoff, SyncLoopAsync, _time, _logger, ct);
        GatewayLog.Started(_logger, _options.NodeName, _options.ControllerName);
    }

    private System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate(int port, string? name) =>
        Volatile.Read(ref _certificates).TryGetValue(port, out var certificates) ? certificates.Select(name) : _fallback;

    private static bool LabelsEqual(Dictionary<string, string>? a, Dictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? []).All(p => b!.TryGetValue(p.Key, out var v) && v == p.Value);

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task SyncLoopAsync(CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(_crds.WaitForSyncAsync(ct), _services.WaitForSyncAsync(ct), _secrets.WaitForSyncAsync(ct), _namespaces.WaitForSyncAsync(ct));
            while (!ct.IsCancellationRequested)
            {
                var retry = false;
                try
                {
                    retry = !await SyncAsync(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    GatewayLog.SyncFailed(_logger, e);
                    retry = true;
                }
                _synced.TrySetResult();
                await WaitAsync(retry ? _options.RetryInterval : null, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task WaitAsync(TimeSpan? retryAfter, CancellationToken ct)
    {
        if (retryAfter is not { } after)
        {
            await _wake.Reader.ReadAsync(ct);
            return;
        }
        using var wait = Deadline.After(after, _time, ct);
        try
        {
            await _wake.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Retry time: something failed on the last pass.
        }
    }

    /// <summary>One pass; false when something should be tried again (an informer not listed, a bind, a status write).</summary>
    private async Task<bool> SyncAsync(CancellationToken ct)
    {
        var crds = GatewayCrds.Read(_crds.Lister.List());
        await FollowCrdsAsync(crds, ct);
        if (_classes is not null && !await SyncedAsync(ct))
        {
            return false;
        }
        var inputs = new GatewayInputs
        {
            ControllerName = _options.ControllerName,
            Classes = _classes?.List() ?? [],
            Gateways = _gateways?.List() ?? [],
            Routes = _routes?.List() ?? [],
            Grants = _grants?.List() ?? [],
            NamespaceLabels = name => _namespaces.Lister.Get(null, name) is { } ns ? ns.Metadata.Labels ?? [] : null,
            Services = (ns, name) => _services.Lister.Get(ns, name),
            TlsSecrets = (ns, name) => _tlsSecrets.Read(ns, name, _secrets.Get(ns, name)),
            BundleVersion = crds.BundleVersion,
        };
        var build = GatewayRouteTableBuilder.Build(inputs, _fallback);
        _tlsSecrets.Sweep();
        var pending = _secrets.Pending;
        _secrets.EndPass();
        if (pending)
        {
            // A certificateRef read for the first time has no answer yet: keep what is served until it wakes the loop.
            return true;
        }
        Volatile.Write(ref _certificates, build.Certificates);
        Volatile.Write(ref _table, build.Table);
        var ports = build.Table.Ports.Values.Select(p => (p.Port, p.Tls)).OrderBy(p => p.Port).ToList();
        var summary = (build.Gateways.Count, build.Routes.Count, ports.Count == 0 ? "none" : string.Join(", ", ports.Select(p => p.Port)));
        if (summary != _lastSummary)
        {
            // Every Service or endpoint change runs a pass: say only what changed the served set.
            GatewayLog.Rebuilt(_logger, summary.Item1, summary.Item2, summary.Item3);
            _lastSummary = summary;
        }
        var done = !await _listeners!.ReconcileAsync(IngressListenPlan.For(_proxy!.Snapshot, ports), ct);
        if (_classes is null)
        {
            return done;
        }
        var failures = _listeners.Failures;
        string? BindFailure(int port) =>
            failures.FirstOrDefault(f => f.Key.Port == port && f.Key.Address.Equals(IPAddress.Loopback)).Value;
        var now = _time.GetUtcNow();
        foreach (var facts in build.Classes)
        {
            done &= await WriteAsync(facts.Class, GatewayStatusPlan.ForClass(facts, now), (c, s) => c.Status = s, GatewayResources.GatewayClasses, ct);
        }
        foreach (var facts in build.Gateways)
        {
            done &= await WriteAsync(facts.Gateway, GatewayStatusPlan.ForGateway(facts, BindFailure, _options.StatusAddress, now),
                (g, s) => g.Status = s, GatewayResources.Gateways, ct);
        }
        var routeFacts = build.Routes.ToDictionary(r => $"{r.Route.Metadata.Namespace}/{r.Route.Metadata.Name}", StringComparer.Ordinal);
        foreach (var route in inputs.Routes)
        {
            var status = GatewayStatusPlan.ForRoute(route, routeFacts.GetValueOrDefault($"{route.Metadata.Namespace}/{route.Metadata.Name}"), _options.ControllerName, now);
            done &= await WriteAsync(route, status, (r, s) => r.Status = s, GatewayResources.HTTPRoutes, ct);
        }
        return done;
    }

    /// <summary>Starts the Gateway API informers when their CRDs are established, stops them when the CRDs go.</summary>
    private async Task FollowCrdsAsync(GatewayCrds crds, CancellationToken ct)
    {
        if (crds.Core && _classes is null)
        {
            _classes = new RunningInformer<GatewayClass>(_client, GatewayResources.GatewayClasses, _customOptions, _time, _logging, Wake, ct);
            _gateways = new RunningInformer<Gateway>(_client, GatewayResources.Gateways, _customOptions, _time, _logging, Wake, ct);
            _routes = new RunningInformer<HTTPRoute>(_client, GatewayResources.HTTPRoutes, _customOptions, _time, _logging, Wake, ct);
            GatewayLog.Watching(_logger, crds.BundleVersion ?? "<none>");
        }
        else if (!crds.Core && _classes is not null)
        {
            await DisposeAsync(_classes);
            await DisposeAsync(_gateways);
            await DisposeAsync(_routes);
            (_classes, _gateways, _routes) = (null, null, null);
            GatewayLog.Unwatched(_logger);
        }
        if (crds.ReferenceGrants && _grants is null)
        {
            _grants = new RunningInformer<ReferenceGrant>(_client, GatewayResources.ReferenceGrants, _customOptions, _time, _logging, Wake, ct);
        }
        else if (!crds.ReferenceGrants && _grants is not null)
        {
            await _grants.DisposeAsync();
            _grants = null;
        }
    }

    private static ValueTask DisposeAsync(IAsyncDisposable? disposable) => disposable?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>Waits (bounded) for the Gateway API informers' first lists; false when one has not listed in time.</summary>
    private async Task<bool> SyncedAsync(CancellationToken ct)
    {
        var waits = new (string Kind, Func<CancellationToken, Task> Wait)[]
        {
            ("GatewayClass", t => _classes!.Informer.WaitForSyncAsync(t)),
            ("Gateway", t => _gateways!.Informer.WaitForSyncAsync(t)),
            ("HTTPRoute", t => _routes!.Informer.WaitForSyncAsync(t)),
            ("ReferenceGrant", t => _grants?.Informer.WaitForSyncAsync(t) ?? Task.CompletedTask),
        };
        foreach (var (kind, wait) in waits)
        {
            using var deadline = Deadline.After(_options.SyncTimeout, _time, ct);
            try
            {
                await wait(deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                GatewayLog.NotSynced(_logger, kind, _options.SyncTimeout);
                return false;
            }
        }
        return true;
    }

    /// <summary>Writes <paramref name="status"/> (null: nothing to write) on a copy of the cached object, with its resourceVersion as the precondition.</summary>
    private async Task<bool> WriteAsync<T, TStatus>(T cached, TStatus? status, Action<T, TStatus> set, Api.Scheme.ResourceType resource, CancellationToken ct)
        where T : KubeObject
        where TStatus : class
    {
        if (status is null)
        {
            return true;
        }
        var update = cached.DeepCopy();
        set(update, status);
        try
        {
            await _client.Resource<T>(resource).UpdateStatusAsync(update, ct);
            return true;
        }
        catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
        {
            // Gone, or a newer version is on its way to the informer, which wakes the loop again.
            return true;
        }
        catch (Exception e) when (e is KubeApiException || (ApiUnavailable.Is(e) && !ct.IsCancellationRequested))
        {
            GatewayLog.StatusFailed(_logger, resource.Kind, cached.Metadata.Namespace ?? "", cached.Metadata.Name ?? "", e.Message);
            return false;
        }
    }

    /// <summary>Closes the listeners, stops the loop, the Gateway API informers and, when its own, the shared ones.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        if (_proxy is not null)
        {
            _proxy.SnapshotChanged -= Wake;
        }
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
        if (_listeners is not null)
        {
            await _listeners.DisposeAsync();
        }
        await DisposeAsync(_classes);
        await DisposeAsync(_gateways);
        await DisposeAsync(_routes);
        await DisposeAsync(_grants);
        await _secrets.DisposeAsync();
        if (_ownsInformers)
        {
            await _informers.WhenStoppedAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
