using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Net;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Hosting;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Conntrack;
using Axolotl.Proxy.Diagnostics;
using Axolotl.Proxy.Dns;
using Axolotl.Proxy.Drain;
using Axolotl.Proxy.Forwarding;
using Axolotl.Proxy.Forwarding.Udp;
using Axolotl.Proxy.Network;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy;

/// <summary>
/// One node's service proxy: a userspace L4 proxy for the TCP and UDP ports of ClusterIP, NodePort
/// and LoadBalancer Services (UDP through a flow table, <see cref="UdpFlowTable"/>). Informers on Services, EndpointSlices and Nodes wake a routing loop that rebuilds the
/// <see cref="RoutingSnapshot"/> and swaps it in (new connections see endpoint changes from then on;
/// open ones drain untouched), resets connections of Service ports that disappeared, and wakes a
/// frontend loop that puts cluster IPs on the proxy's interface and opens or closes listeners. The
/// two loops are separate so a slow `ip` call never delays an endpoint change.
/// </summary>
public sealed class ServiceProxy : IAsyncDisposable
{
    private readonly ServiceProxyOptions _options;
    private readonly Ipv4Cidr _cidr;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ServiceInterface? _interface;
    private readonly SharedInformer<Service> _services;
    private readonly SharedInformer<EndpointSlice> _slices;
    private readonly SharedInformer<Node> _nodes;
    private readonly SharedInformer<Pod> _pods;
    private readonly SharedInformerFactory _informers;
    private readonly bool _ownsInformers;
    private readonly List<IDisposable> _registrations = [];
    private readonly EndpointPicker _picker;
    private readonly ConnectionRegistry _connections = new();
    private readonly ListenerSet _listeners;
    private readonly UdpForwarder _udp;
    private ITimer? _sweeper;
    private readonly LocalAddresses _local;
    // Wake-ups, not work items: capacity 1 and DropWrite, so any number of changes while a pass runs
    // collapse into one more pass, which reads the latest state anyway.
    private readonly Channel<bool> _routingWake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _frontendWake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _standbyWake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly StandbyTableWriter? _standby;
    private readonly DrainedConnections? _drained;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop;
    private readonly List<Task> _running = [];
    private readonly List<BackgroundLoop> _loops = [];
    private HashSet<string> _reportedConflicts = [];
    private RoutingSnapshot _snapshot = RoutingSnapshot.Empty;
    private readonly DnsServer? _dns;
    private DnsZone _dnsZone = DnsZone.Empty;
    private int _stopped;
    private bool _routed;

    private ServiceProxy(KubeClient client, SharedInformerFactory? informers, ServiceProxyOptions options, Ipv4Cidr cidr, ServiceInterface? serviceInterface,
        ILoggerFactory loggerFactory, TimeProvider time, CancellationToken ct)
    {
        _options = options;
        _cidr = cidr;
        _time = time;
        _logger = loggerFactory.CreateLogger<ServiceProxy>();
        _interface = serviceInterface;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _local = new LocalAddresses(time);
        _picker = new EndpointPicker(options.Balancing, time)
        {
            Quarantine = options.FailedEndpointQuarantine,
            LocalReadiness = options.LocalReadiness,
            Affinity = new ClientAffinity(time, options.MaxAffinityEntries),
        };
        var forwarder = new Forwarder(() => Snapshot, _picker, _connections,
            new ForwarderOptions(options.MaxConnections, options.MaxConnectAttempts, options.ConnectTimeout, options.BufferSize, options.ReplayLimit)
            {
                AdmitConnection = options.AdmitConnection,
                BackendMark = options.BackendMark,
                ConnectDeadline = options.ConnectDeadline,
            }, time, _logger);
        var flows = new UdpFlowTable(new UdpFlowOptions(options.MaxUdpFlows, options.MaxUdpFlowsPerClient)
        {
            Timeout = options.UdpFlowTimeout,
            StreamTimeout = options.UdpStreamTimeout,
        }, time);
        _udp = new UdpForwarder(() => Snapshot, _picker, flows, time, _logger) {
            Admit = options.AdmitConnection,
            Mark = options.BackendMark,
            MaxAttempts = options.MaxConnectAttempts,
        };
        _listeners = new ListenerSet(forwarder.HandleAsync, options.ListenBacklog, time, _logger, _udp);
        _standby = options.StandbyTable is { } table
            ? new StandbyTableWriter(table, _logger)
            {
                Mode = options.Mode,
                ClusterCidr = options.ClusterCidr is { } pods ? Ipv4Cidr.Parse(pods) : null,
                LocalEndpointsVia = options.Mode == ProxyMode.Nftables ? options.PodBridge : null,
                // The relay's picker skips the agent's not-ready pods at once; in nftables mode the kernel's DNAT maps must too.
                LocalReadiness = options.Mode == ProxyMode.Nftables ? options.LocalReadiness : null,
                // The cluster DNS answers on its own address and port (TCP and UDP): the table must not DNAT them away.
                Reserved = options.DnsAddresses
                    .SelectMany(a => new[] { new Frontend(a, options.DnsPort, Transport.Tcp), new Frontend(a, options.DnsPort, Transport.Udp) })
                    .ToHashSet(),
                // UDP frontends are the kernel's in nftables mode: a departed endpoint's conntrack entries must go (in process, ctnetlink).
                Conntrack = options.Mode == ProxyMode.Nftables ? new NetlinkConntrack() : null,
            }
            : null;
        if (_standby is { Conntrack: { } conntrack } writer)
        {
            _drained = new DrainedConnections(() => Snapshot, () => writer.KernelFrontends, conntrack, forwarder.HandleAsync,
                () => options.MaxConnections - _connections.Count);
        }
        if (options.Mode == ProxyMode.Nftables && _standby is null)
        {
            ProxyLog.KernelModeWithoutTable(_logger, options.NodeName);
        }
        else if (options.Mode == ProxyMode.Nftables && !BridgedTrafficSeesConntrack())
        {
            ProxyLog.NoBridgeNetfilter(_logger);
        }
        // The process's informers when it has them (started by their owner), else the proxy's own.
        _ownsInformers = informers is null;
        _informers = informers ?? new SharedInformerFactory(client, loggerFactory, time,
            new SharedInformerOptions { InitialBackoff = options.InformerInitialBackoff, MaxBackoff = options.InformerMaxBackoff });
        _services = _informers.For<Service>();
        _slices = _informers.For<EndpointSlice>();
        _nodes = _informers.For<Node>();
        // This node's pods, for their hostPorts (HostPortRoutes): on its own, a watch of just them; in a process
        // that caches every pod anyway, that cache, filtered here (IsMine), instead of a second copy.
        _pods = _ownsInformers ? _informers.For<Pod>(null, null, $"spec.nodeName={options.NodeName}") : _informers.For<Pod>();
        if (options.DnsAddresses.Count > 0)
        {
            _dns = new DnsServer(() => DnsZone, new DnsServerOptions
            {
                Addresses = options.DnsAddresses,
                Port = options.DnsPort,
                BindRetryInterval = options.BindRetryInterval,
                Forwarding = new DnsForwarderOptions { Upstreams = options.DnsUpstreams },
            },
                time, loggerFactory.CreateLogger<DnsServer>());
        }
    }

    /// <summary>
    /// br_netfilter on: a pod's answer to another pod of its bridge that reached it through a cluster IP is bridged, not
    /// routed, and only br_netfilter passes it through conntrack to get the cluster IP back as its source (kube-proxy's
    /// requirement too).
    /// </summary>
    private static bool BridgedTrafficSeesConntrack()
    {
        try
        {
            return File.ReadAllText("/proc/sys/net/bridge/bridge-nf-call-iptables").Trim() == "1";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The routing the next accepted connection will use.</summary>
    public RoutingSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public ServiceProxyOptions Options => _options;

    /// <summary>The endpoint picker (round-robin positions, quarantine of failed endpoints), shared with the Ingress controller.</summary>
    public EndpointPicker Picker => _picker;

    /// <summary>
    /// Raised on the routing loop after each new <see cref="Snapshot"/> is in: the Ingress controller follows the
    /// node's addresses and the Services' frontends from it. A handler must only wake its own loop.
    /// </summary>
    public event Action? SnapshotChanged;

    /// <summary>The names the cluster DNS server answers from, rebuilt with the routing.</summary>
    public DnsZone DnsZone => Volatile.Read(ref _dnsZone);

    /// <summary>The interface carrying cluster IPs, or null when interfaces are not managed (option, or not permitted).</summary>
    public string? InterfaceName => _interface?.Name;

    /// <summary>Frontends with an open listener.</summary>
    public IReadOnlyCollection<Frontend> Listening => _listeners.Listening;

    /// <summary>Frontends whose listener could not be opened, with the reason (retried).</summary>
    public IReadOnlyDictionary<Frontend, string> FailedFrontends => _listeners.Failed;

    public int OpenConnections => _connections.Count;

    /// <summary>
    /// The frontends the kernel table serves (ADR 0030), as of its last accepted write; empty in relay mode or when nft refused
    /// the table. <see cref="KernelFrontendsChanged"/> says when it changed.
    /// </summary>
    public IReadOnlySet<Frontend> KernelFrontends => _standby?.KernelFrontends ?? EmptyFrontends;

    private static readonly HashSet<Frontend> EmptyFrontends = [];

    /// <summary>Raised on the table's loop after a write changed <see cref="KernelFrontends"/>. A handler must only wake its own loop.</summary>
    public event Action? KernelFrontendsChanged;

    /// <summary>
    /// Relays the connections queued on a dead pod's held listener (ADR 0030) to the other endpoints of the Service port each
    /// client reached, and closes it; in relay mode, or without ctnetlink, nothing is relayed and the close resets them all
    /// (the relay's own connections are replayed instead). <paramref name="bound"/> limits the drain. The drain and the close
    /// happen before this returns its task (on the caller's thread, before anything is awaited): a caller that must free the
    /// port first (the runtime's exit hook, before the replacement's go) need not wait for the relay of what was drained.
    /// </summary>
    public async Task<(int Relayed, int Reset)> RelayDrainedAsync(IHeldListener held, IPEndPoint deadEndpoint, CancellationToken bound)
    {
        if (_drained is null)
        {
            held.Dispose();
            return (0, 0);
        }
        return await _drained.RelayAsync(held, deadEndpoint, bound, _stop.Token);
    }

    /// <summary>UDP flows open (each with a socket to its endpoint).</summary>
    public int OpenUdpFlows => _udp.Flows.Count;

    /// <summary>
    /// Creates the interface (when configured) and starts the informers and loops; returns without
    /// waiting for the first sync (see <see cref="WaitForSyncAsync"/>).
    /// </summary>
    public static Task<ServiceProxy> StartAsync(KubeClient client, ServiceProxyOptions options, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken ct) =>
        StartAsync(client, null, options, loggerFactory, time, ct);

    /// <summary>
    /// As <see cref="StartAsync(KubeClient, ServiceProxyOptions, ILoggerFactory, TimeProvider, CancellationToken)"/>, reading
    /// <paramref name="informers"/>, the process's shared informers (started by their owner); null: informers of its own.
    /// </summary>
    public static async Task<ServiceProxy> StartAsync(KubeClient client, SharedInformerFactory? informers, ServiceProxyOptions options, ILoggerFactory loggerFactory,
        TimeProvider time, CancellationToken ct)
    {
        options.Validate();
        var cidr = Ipv4Cidr.Parse(options.ServiceCidr);
        var logger = loggerFactory.CreateLogger<ServiceProxy>();
        ServiceInterface? serviceInterface = null;
        if (options.InterfaceName is { } name)
        {
            serviceInterface = new ServiceInterface(name, cidr, logger);
            try
            {
                await serviceInterface.EnsureAsync(ct);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                ProxyLog.InterfaceUnavailable(logger, name, e.Message);
                await serviceInterface.DisposeAsync();
                serviceInterface = null;
            }
        }
        var proxy = new ServiceProxy(client, informers, options, cidr, serviceInterface, loggerFactory, time, ct);
        proxy.Start();
        var interfaceText = serviceInterface is null ? "<none>" : $"{serviceInterface.Name} ({serviceInterface.Kind})";
        var addressesText = string.Join(", ", options.NodePortAddresses);
        var cidrText = cidr.ToString();
        var modeText = options.Balancing.ToString();
        ProxyLog.Started(logger, options.NodeName, cidrText, interfaceText, addressesText, modeText);
        return proxy;
    }

    /// <summary>Completes once the caches have synced and the first listeners are open.</summary>
    public Task WaitForSyncAsync(CancellationToken ct) => _synced.Task.WaitAsync(ct);

    private void Start()
    {
        var ct = _stop.Token;
        _registrations.Add(_services.AddEventHandler(new ResourceEventHandler<Service>(_ => WakeRouting(), (_, _) => WakeRouting(), _ => WakeRouting())));
        _registrations.Add(_slices.AddEventHandler(new ResourceEventHandler<EndpointSlice>(_ => WakeRouting(), (_, _) => WakeRouting(), _ => WakeRouting())));
        if (_options.EndpointSliceChanged is { } sliceChanged)
        {
            _registrations.Add(_slices.AddEventHandler(new ResourceEventHandler<EndpointSlice>(s => sliceChanged(null, s), sliceChanged, s => sliceChanged(s, null))));
        }
        _registrations.Add(_nodes.AddEventHandler(new ResourceEventHandler<Node>(
            n => WakeIfMine(n), (_, n) => WakeIfMine(n), n => WakeIfMine(n))));
        _registrations.Add(_pods.AddEventHandler(new ResourceEventHandler<Pod>(
            p => WakeIfMine(p), (before, after) => WakeIfMine(before, after), p => WakeIfMine(p))));
        if (_ownsInformers)
        {
            _informers.Start(ct);
            _running.Add(_informers.WhenStoppedAsync());
        }
        // Both restart with backoff: each body logs and retries its own failures, and a proxy whose loop died
        // would keep forwarding by a routing table that no longer changes.
        _loops.Add(DelegateLoop.StartNew("proxy-routing", LoopFailurePolicy.RestartWithBackoff, RoutingLoopAsync, _time, _logger, ct));
        _loops.Add(DelegateLoop.StartNew("proxy-frontends", LoopFailurePolicy.RestartWithBackoff, FrontendLoopAsync, _time, _logger, ct));
        if (_standby?.LocalReadiness is { } hints)
        {
            // A readiness hint rewrites the table within milliseconds (coalesced with any other change by the wake-up channel).
            hints.Changed += WakeStandbyForHint;
            _registrations.Add(new Unsubscribe(() => hints.Changed -= WakeStandbyForHint));
        }
        if (_standby is not null)
        {
            // Its own loop: an nft run never delays an endpoint change or a listener.
            _loops.Add(DelegateLoop.StartNew("proxy-standby", LoopFailurePolicy.RestartWithBackoff, StandbyLoopAsync, _time, _logger, ct));
        }
        _dns?.Start();
        // Idle UDP flows and expired affinity entries go on a timer too, not only when traffic finds them.
        _sweeper = _time.CreateTimer(_ => Sweep(), null, _options.SweepInterval, _options.SweepInterval);
    }

    /// <summary>Only once the routing loop built its first snapshot: before that the table would be written from an empty one.</summary>
    private void WakeStandbyForHint()
    {
        if (Volatile.Read(ref _routed))
        {
            _standbyWake.Writer.TryWrite(true);
        }
    }

    private sealed class Unsubscribe(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    private void Sweep()
    {
        try
        {
            _udp.Expire();
            _picker.Affinity.SweepExpired();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ProxyLog.SyncFailed(_logger, e);
        }
    }

    private void WakeRouting() => _routingWake.Writer.TryWrite(true);

    private bool IsMine(Pod pod) => pod.Spec?.NodeName == _options.NodeName;

    private void WakeIfMine(Pod pod)
    {
        if (IsMine(pod))
        {
            WakeRouting();
        }
    }

    private void WakeIfMine(Pod before, Pod after)
    {
        if (IsMine(before) || IsMine(after))
        {
            WakeRouting();
        }
    }

    private void WakeIfMine(Node node)
    {
        if (node.Metadata.Name == _options.NodeName)
        {
            WakeRouting();
        }
    }

    private async Task RoutingLoopAsync(CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(_services.WaitForSyncAsync(ct), _slices.WaitForSyncAsync(ct), _nodes.WaitForSyncAsync(ct), _pods.WaitForSyncAsync(ct));
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    Rebuild();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    ProxyLog.SyncFailed(_logger, e);
                }
                await _routingWake.Reader.ReadAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Rebuild()
    {
        var started = _time.GetTimestamp();
        var context = new RoutingContext(_options.NodeName, _cidr, NodePortAddresses(), _local.Contains);
        var next = RoutingSnapshotBuilder.Build(_services.Lister.List(), _slices.Lister.List(), context, _pods.Lister.List(null, IsMine));
        Volatile.Write(ref _snapshot, next);
        SnapshotChanged?.Invoke();
        Volatile.Write(ref _dnsZone, DnsZone.Build(_services.Lister.List(), _slices.Lister.List()));
        var aborted = _connections.AbortMissing(next);
        if (aborted > 0)
        {
            ProxyLog.ConnectionsAborted(_logger, aborted);
        }
        var staleFlows = _udp.Flows.RemoveStale(next);
        if (staleFlows.Count > 0)
        {
            _udp.Close(staleFlows);
            ProxyLog.UdpFlowsCleared(_logger, staleFlows.Count);
        }
        _picker.Prune(next);
        var conflicts = next.Conflicts.ToHashSet();
        foreach (var (frontend, target) in next.Frontends.Where(p => ServedByDns(p.Key)))
        {
            conflicts.Add($"{target.Service} wants {frontend} ({target.Kind}), which the cluster DNS serves");
        }
        foreach (var conflict in conflicts.Except(_reportedConflicts))
        {
            ProxyLog.Conflict(_logger, conflict);
        }
        _reportedConflicts = conflicts;
        _frontendWake.Writer.TryWrite(true);
        Volatile.Write(ref _routed, true);
        _standbyWake.Writer.TryWrite(true);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var usable = next.Routes.Values.Sum(r => r.ClusterEndpoints.Count);
            var elapsed = _time.GetElapsedTime(started).TotalMilliseconds;
            ProxyLog.SnapshotSwapped(_logger, next.Routes.Count, next.Frontends.Count, usable, elapsed);
        }
    }

    /// <summary>The configured node port addresses plus this node's own addresses that are on this host.</summary>
    private List<IPAddress> NodePortAddresses()
    {
        var addresses = new List<IPAddress>(_options.NodePortAddresses);
        if (_options.UseNodeAddresses && _nodes.Lister.Get(null, _options.NodeName) is { } node)
        {
            foreach (var address in node.Status?.Addresses ?? [])
            {
                if (address.Type is "InternalIP" or "ExternalIP" && IPAddress.TryParse(address.Address, out var ip) &&
                    ip.AddressFamily == AddressFamily.InterNetwork && !addresses.Contains(ip) && _local.Contains(ip))
                {
                    addresses.Add(ip);
                }
            }
        }
        return addresses;
    }

    private async Task FrontendLoopAsync(CancellationToken ct)
    {
        var retry = false;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (retry)
                {
                    using var wait = Deadline.After(_options.BindRetryInterval, _time, ct);
                    try
                    {
                        await _frontendWake.Reader.ReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // Retry time: look again at the frontends that failed.
                    }
                }
                else
                {
                    await _frontendWake.Reader.ReadAsync(ct);
                }
                try
                {
                    retry = await ReconcileFrontendsAsync(Snapshot, ct);
                    _synced.TrySetResult();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    ProxyLog.SyncFailed(_logger, e);
                    retry = true;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The kernel standby table follows the snapshots, first written after the caches synced (the routing loop's
    /// first wake-up), so a restarted process never replaces the table a dead one left with an empty one.
    /// Changes while nft runs collapse into one more write.
    /// </summary>
    private async Task StandbyLoopAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _standbyWake.Reader.ReadAsync(ct);
                // Not cancelled half-way: a stop waits for the nft run in flight (milliseconds), so the host
                // cleanup that follows a stop never races a late write of the table it removes.
                var kernel = _standby!.KernelFrontends;
                await _standby.WriteAsync(Snapshot, CancellationToken.None);
                if (!kernel.SetEquals(_standby.KernelFrontends))
                {
                    // The relay opens what the kernel no longer serves (and closes what it now does).
                    _frontendWake.Writer.TryWrite(true);
                    KernelFrontendsChanged?.Invoke();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Addresses go on before listeners bind to them, and come off after their listeners closed. A
    /// frontend whose Service port has no endpoint has no listener, so a client is refused at once (curl
    /// exit 7, "Connection refused"), as kube-proxy's REJECT rule does, rather than accepted and reset.
    /// </summary>
    private async Task<bool> ReconcileFrontendsAsync(RoutingSnapshot snapshot, CancellationToken ct)
    {
        if (_interface is not null)
        {
            await _interface.SyncAsync(_interface.Addresses.Union(snapshot.ClusterIps).ToHashSet(), ct);
        }
        // In nftables mode the kernel's DNAT comes before any socket lookup: a listener there would never see a connection.
        var kernel = _standby?.KernelFrontends ?? new HashSet<Frontend>();
        var wanted = snapshot.Frontends
            .Where(p => snapshot.HasEndpoints(p.Key) && !ServedByDns(p.Key) && !kernel.Contains(p.Key))
            .Where(p => p.Value.Kind != FrontendKind.ClusterIP || _interface is null || _interface.Addresses.Contains(p.Key.Address))
            .Select(p => p.Key)
            .ToList();
        var failed = await _listeners.ReconcileAsync(wanted);
        if (_interface is not null)
        {
            await _interface.SyncAsync(snapshot.ClusterIps, ct);
        }
        return failed || (_interface is not null && !snapshot.ClusterIps.IsSubsetOf(_interface.Addresses));
    }

    /// <summary>
    /// The DNS server's own address and port: never a frontend (a UDP hostPort 53 on the pod gateway
    /// would otherwise share the port with it, and take the node's pods' queries).
    /// </summary>
    private bool ServedByDns(Frontend frontend) =>
        _dns is not null && frontend.Port == _options.DnsPort && _options.DnsAddresses.Contains(frontend.Address);

    /// <summary>Stops listening, resets open connections, removes the interface and stops the informers.</summary>
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
        await _stop.CancelAsync();
        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync();
        }
        await Task.WhenAll(_running.Concat(_loops.Select(l => l.DisposeAsync().AsTask())));
        if (_dns is not null)
        {
            await _dns.DisposeAsync();
        }
        await _listeners.DisposeAsync();
        _connections.AbortAll();
        _udp.Close(_udp.Flows.RemoveAll());
        if (_interface is not null)
        {
            await _interface.DisposeAsync();
        }
        ProxyLog.Stopped(_logger, _interface?.Name ?? "<none>");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
