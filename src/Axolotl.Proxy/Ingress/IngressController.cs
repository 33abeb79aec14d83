using System.Threading.Channels;
using Axolotl.Api.Core;
using Axolotl.Api.Networking;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Hosting;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// The node's Ingress controller, beside its service proxy. Informers on Ingresses and IngressClasses, and the
/// TLS Secrets they name (<see cref="ITlsSecretSource"/>), wake one loop that makes sure the `axolotl` IngressClass exists, rebuilds the routes and the
/// SNI certificates of the Ingresses this controller serves and swaps them in, tells each Ingress what
/// of it is not served (Warning events), and writes the node's address into their status. Requests are
/// served by <see cref="IngressListener"/>s through <see cref="IngressRequestHandler"/>, which resolves
/// backends through the service proxy's routing snapshot and endpoint picker at request time, so
/// endpoint changes need no rebuild here. A second loop keeps the listeners on loopback and the node's own
/// addresses, following the proxy's snapshot (<see cref="IngressListenPlan"/>): never the wildcard, whose :80
/// would keep the relay from binding a Service's cluster IP on port 80.
/// </summary>
public sealed class IngressController : IAsyncDisposable
{
    private readonly KubeClient _client;
    private readonly IngressOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SharedInformerFactory _informers;
    private readonly bool _ownsInformers;
    private readonly SharedInformer<Api.Networking.Ingress> _ingresses;
    private readonly SharedInformer<IngressClass> _classes;
    private readonly ITlsSecretSource _secrets;
    private readonly SharedInformer<Service> _services;
    private readonly EventRecorder _events;
    private readonly TlsSecretReader _tlsSecrets = new();
    private readonly List<IDisposable> _registrations = [];
    // Wake-ups, not work items: capacity 1 and DropWrite, so changes during a pass collapse into one more pass.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _listenWake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private ServiceProxy? _proxy;
    private IngressListenerSet? _listeners;
    private DelegateLoop? _listenLoop;
    private readonly CancellationTokenSource _stop;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DelegateLoop? _loop;
    private HashSet<IngressProblem> _reported = [];
    private IngressRouteTable _routes = IngressRouteTable.Empty;
    private IngressCertificates _certificates;
    private bool _classEnsured;
    private int _stopped;

    private IngressController(KubeClient client, SharedInformerFactory? informers, IngressOptions options, ILoggerFactory logging, TimeProvider time, CancellationToken ct)
    {
        _client = client;
        _options = options;
        _time = time;
        _logger = logging.CreateLogger<IngressController>();
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _ownsInformers = informers is null;
        _informers = informers ?? new SharedInformerFactory(client, logging, time,
            new SharedInformerOptions { InitialBackoff = options.InformerInitialBackoff, MaxBackoff = options.InformerMaxBackoff });
        _ingresses = _informers.For<Api.Networking.Ingress>();
        _classes = _informers.For<IngressClass>();
        _secrets = options.ReadSecretsByName
            ? new TlsSecretWatchManager(client, time, _logger, options.InformerInitialBackoff, options.InformerMaxBackoff, _stop.Token)
            : new InformerTlsSecretSource(_informers.For<Secret>());
        _services = _informers.For<Service>();
        _events = new EventRecorder(client, new EventRecorderOptions { Component = "axolotl-ingress", Host = options.NodeName }, time, _logger);
        _certificates = new IngressCertificates(new Dictionary<string, System.Security.Cryptography.X509Certificates.X509Certificate2>(), SelfSignedCertificate.Create(time));
    }

    public IngressRouteTable Routes => Volatile.Read(ref _routes);

    public IngressCertificates Certificates => Volatile.Read(ref _certificates);

    /// <summary>The endpoints listening (one that could not bind, or that a Service holds, is missing).</summary>
    public IReadOnlyList<IngressEndpoint> Listening => _listeners?.Listening ?? [];

    /// <summary>
    /// Starts the informers (when its own), the sync loop and the listener loop. The Ingress's backends are
    /// <paramref name="proxy"/>'s Service routes, picked by its endpoint picker; its snapshot also says where to listen.
    /// </summary>
    public static async Task<IngressController> StartAsync(KubeClient client, SharedInformerFactory? informers, IngressOptions options, ServiceProxy proxy,
        ILoggerFactory logging, TimeProvider time, CancellationToken ct)
    {
        var controller = new IngressController(client, informers, options, logging, time, ct);
        try
        {
            await controller.StartAsync(proxy, logging);
        }
        catch
        {
            await controller.DisposeAsync();
            throw;
        }
        return controller;
    }

    /// <summary>Completes once the caches have synced and the first routes are in.</summary>
    public Task WaitForSyncAsync(CancellationToken ct) => _synced.Task.WaitAsync(ct);

    private Task StartAsync(ServiceProxy proxy, ILoggerFactory logging)
    {
        var ct = _stop.Token;
        _registrations.Add(_ingresses.AddEventHandler(new ResourceEventHandler<Api.Networking.Ingress>(_ => Wake(), (_, _) => Wake(), _ => Wake())));
        _registrations.Add(_classes.AddEventHandler(new ResourceEventHandler<IngressClass>(_ => Wake(), (_, _) => Wake(), _ => Wake())));
        _registrations.Add(_secrets.OnChange(Wake));
        if (_ownsInformers)
        {
            _informers.Start(ct);
        }
        // Restart with backoff: the body logs and retries its own failures, and a dead loop would serve stale routes forever.
        _loop = DelegateLoop.StartNew("ingress-sync", LoopFailurePolicy.RestartWithBackoff, SyncLoopAsync, _time, _logger, ct);
        var backends = new IngressBackendResolver((ns, name) => _services.Lister.Get(ns, name), () => proxy.Snapshot);
        var http = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = _options.ConnectTimeout,
            // Pods come and go: a pooled connection to an old one is not kept for long.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ActivityHeadersPropagator = null,
        });
        var handler = new IngressRequestHandler(() => Routes, new BackendForwarder(backends, proxy.Picker, http, _options, _logger));
        _listeners = new IngressListenerSet((endpoint, token) =>
            IngressListener.StartAsync(endpoint, endpoint.Tls ? name => Certificates.Select(name) : null, _options, handler.HandleAsync, logging, token), _logger);
        _proxy = proxy;
        proxy.SnapshotChanged += WakeListeners;
        // Restart with backoff as the sync loop: a dead listener loop would never follow the node's addresses again.
        _listenLoop = DelegateLoop.StartNew("ingress-listeners", LoopFailurePolicy.RestartWithBackoff, ListenLoopAsync, _time, _logger, ct);
        var httpText = PortText(_options.HttpPort);
        var httpsText = PortText(_options.HttpsPort);
        IngressLog.Started(_logger, _options.NodeName, IngressClassSelection.ClassName, _options.ControllerName, httpText, httpsText);
        return Task.CompletedTask;
    }

    private static string PortText(int port) => port == 0 ? "<off>" : port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void WakeListeners() => _listenWake.Writer.TryWrite(true);

    /// <summary>
    /// Opens and closes listeners as the proxy's snapshot changes (the node's addresses, Services' frontends); while
    /// an endpoint cannot bind, looks again every <see cref="IngressOptions.BindRetryInterval"/>.
    /// </summary>
    private async Task ListenLoopAsync(CancellationToken ct)
    {
        try
        {
            var retry = false;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    retry = await _listeners!.ReconcileAsync(IngressListenPlan.For(_proxy!.Snapshot, _options.HttpPort, _options.HttpsPort), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    IngressLog.SyncFailed(_logger, e);
                    retry = true;
                }
                await WaitAsync(_listenWake.Reader, retry ? _options.BindRetryInterval : null, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task SyncLoopAsync(CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(_ingresses.WaitForSyncAsync(ct), _classes.WaitForSyncAsync(ct), _secrets.WaitForSyncAsync(ct), _services.WaitForSyncAsync(ct));
            var retry = false;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    retry = !await SyncAsync(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    IngressLog.SyncFailed(_logger, e);
                    retry = true;
                }
                _synced.TrySetResult();
                await WaitAsync(_wake.Reader, retry ? _options.RetryInterval : null, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>The next wake-up, or <paramref name="retryAfter"/> when given and no wake-up comes first.</summary>
    private async Task WaitAsync(ChannelReader<bool> wake, TimeSpan? retryAfter, CancellationToken ct)
    {
        if (retryAfter is not { } after)
        {
            await wake.ReadAsync(ct);
            return;
        }
        using var wait = Deadline.After(after, _time, ct);
        try
        {
            await wake.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Retry time: something failed on the last pass.
        }
    }

    /// <summary>One pass; false when something should be tried again (the class or a status write failed).</summary>
    private async Task<bool> SyncAsync(CancellationToken ct)
    {
        var done = await EnsureClassAsync(ct);
        var classes = _classes.Lister.List();
        var all = _ingresses.Lister.List();
        var served = all.Where(i => IngressClassSelection.IsOurs(i, classes, _options.ControllerName)).ToList();
        var routes = IngressRouteTableBuilder.Build(served);
        var (certificates, tlsProblems) = IngressCertificatesBuilder.Build(served, _secrets.Get, _tlsSecrets, Certificates.Fallback);
        var pending = _secrets.Pending;
        _secrets.EndPass();
        if (pending)
        {
            // A Secret named for the first time has not been read yet: keep what is served until its answer wakes the loop.
            return done;
        }
        Volatile.Write(ref _routes, routes);
        Volatile.Write(ref _certificates, certificates);
        IngressLog.Rebuilt(_logger, served.Count, routes.ExactHosts.Count + routes.WildcardHosts.Count + (routes.AnyHost is null ? 0 : 1), certificates.Hosts.Count);
        Report(routes.Conflicts.Concat(tlsProblems), served);
        foreach (var ingress in all)
        {
            done &= await WriteStatusAsync(ingress, served.Contains(ingress), ct);
        }
        return done;
    }

    /// <summary>Each problem once, as a Warning event on its Ingress and a log line; one that goes away may be reported again later.</summary>
    private void Report(IEnumerable<IngressProblem> problems, IReadOnlyList<Api.Networking.Ingress> served)
    {
        var now = problems.ToHashSet();
        foreach (var problem in now.Except(_reported))
        {
            IngressLog.Problem(_logger, problem.Namespace, problem.Name, problem.Message);
            if (served.FirstOrDefault(i => i.Metadata.Namespace == problem.Namespace && i.Metadata.Name == problem.Name) is { } ingress)
            {
                _events.Record(ingress, EventRecorder.Warning, problem.Reason, problem.Message);
            }
        }
        _reported = now;
    }

    private async Task<bool> EnsureClassAsync(CancellationToken ct)
    {
        if (_classEnsured)
        {
            return true;
        }
        if (IngressClassSelection.ClassToCreate(_classes.Lister.List(), _options.ControllerName) is not { } wanted)
        {
            _classEnsured = true;
            return true;
        }
        try
        {
            await _client.CreateAsync(wanted, ct);
            var isDefault = IngressClassSelection.IsDefault(wanted);
            IngressLog.ClassCreated(_logger, IngressClassSelection.ClassName, isDefault);
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            // Another node's controller made it first.
        }
        catch (Exception e) when (e is KubeApiException || (ApiUnavailable.Is(e) && !ct.IsCancellationRequested))
        {
            IngressLog.SyncFailed(_logger, e);
            return false;
        }
        _classEnsured = true;
        return true;
    }

    private async Task<bool> WriteStatusAsync(Api.Networking.Ingress ingress, bool served, CancellationToken ct)
    {
        if (IngressStatusPlan.Wanted(ingress, served, _options.StatusAddress) is not { } wanted)
        {
            return true;
        }
        // Never mutate the cache's copy: write a clone, with its resourceVersion as the precondition.
        var update = ingress.DeepCopy();
        update.Status ??= new IngressStatus();
        update.Status.LoadBalancer = new IngressLoadBalancerStatus { Ingress = wanted };
        try
        {
            await _client.UpdateStatusAsync(update, ct);
            return true;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return true;
        }
        catch (Exception e) when (e is KubeApiException || (ApiUnavailable.Is(e) && !ct.IsCancellationRequested))
        {
            // A conflict means a newer version is on its way to the informer, which wakes the loop again.
            IngressLog.StatusFailed(_logger, ingress.Metadata.Namespace ?? "", ingress.Metadata.Name ?? "", e.Message);
            return e is KubeApiException { IsConflict: true };
        }
    }

    /// <summary>Closes the listeners (open requests get the shutdown grace), stops the loop and, when its own, the informers.</summary>
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
            _proxy.SnapshotChanged -= WakeListeners;
        }
        await _stop.CancelAsync();
        if (_listenLoop is not null)
        {
            await _listenLoop.DisposeAsync();
        }
        // After the listener loop stopped, so no pass opens one behind the close.
        if (_listeners is not null)
        {
            await _listeners.DisposeAsync();
        }
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
        await _secrets.DisposeAsync();
        if (_ownsInformers)
        {
            await _informers.WhenStoppedAsync();
        }
        await _events.DisposeAsync();
        IngressLog.Stopped(_logger);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
