using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Hosting.HostTools;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.NetworkPolicies;

/// <summary>
/// Keeps this node's network policy table (<see cref="NetworkPolicyTable"/>) in step with the cluster:
/// informers on Pods, Namespaces and NetworkPolicies each start one reconcile (coalesced: at most one
/// runs and one waits), which compiles the rules of the node's pods (<see cref="NetworkPolicyCompiler"/>)
/// and replaces the table when its text changed. Pods of this node are also told by their workers
/// (<see cref="IPodNetworkGate"/>) as soon as they have an address, before their status says so, and
/// their first container waits for the table that covers them.
/// </summary>
public sealed partial class NetworkPolicyEnforcer : IPodNetworkGate, IAsyncDisposable
{
    private readonly SemaphoreSlim _sync = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, PolicyPod> _announced = new(StringComparer.Ordinal);
    private readonly Lock _announcedLock = new();
    private readonly string _nodeName;
    private readonly string _bridge;
    private readonly uint _gateway;
    private readonly string? _serviceCidr;
    private readonly ILogger _log;
    private readonly SharedInformer<Pod> _pods;
    private readonly SharedInformer<Namespace> _namespaces;
    private readonly SharedInformer<Api.Networking.NetworkPolicy> _policies;
    private Task _run = Task.CompletedTask;
    private string? _installed;
    private RelayView? _relay;
    private int _queued;

    public NetworkPolicyEnforcer(KubeClient client, string nodeName, string bridge, string gateway, string? serviceCidr, TimeProvider time, ILoggerFactory logging)
    {
        _nodeName = nodeName;
        _bridge = bridge;
        _serviceCidr = serviceCidr;
        _log = logging.CreateLogger<NetworkPolicyEnforcer>();
        if (!Ipv4Range.TryParseAddress(gateway, out _gateway))
        {
            throw new ArgumentException($"the pod gateway {gateway} is not an IPv4 address", nameof(gateway));
        }
        _pods = new SharedInformer<Pod>(client.Resource<Pod>(), time, logging.CreateLogger("Axolotl.Informer.netpol.pods"), transform: PolicyPod.Slim);
        _namespaces = new SharedInformer<Namespace>(client.Resource<Namespace>(), time, logging.CreateLogger("Axolotl.Informer.netpol.namespaces"));
        _policies = new SharedInformer<Api.Networking.NetworkPolicy>(client.Resource<Api.Networking.NetworkPolicy>(), time,
            logging.CreateLogger("Axolotl.Informer.netpol.policies"));
        _pods.AddEventHandler(new ResourceEventHandler<Pod>(_ => Kick(), (_, _) => Kick(), pod =>
        {
            Forget(pod.Metadata.Uid ?? "");
            Kick();
        }));
        _namespaces.AddEventHandler(new ResourceEventHandler<Namespace>(_ => Kick(), (_, _) => Kick(), _ => Kick()));
        _policies.AddEventHandler(new ResourceEventHandler<Api.Networking.NetworkPolicy>(_ => Kick(), (_, _) => Kick(), _ => Kick()));
    }

    /// <summary>Starts the informers and installs the table once they have listed (pods on this node may already be running).</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (await Network.BridgeFiltering.EnsureAsync(ct) is { } off)
        {
            BridgeFilteringOff(_log, off);
        }
        var stop = _stop.Token;
        _run = Task.WhenAll(
            Task.Run(() => _pods.RunAsync(stop), stop),
            Task.Run(() => _namespaces.RunAsync(stop), stop),
            Task.Run(() => _policies.RunAsync(stop), stop));
        await SyncAsync(ct);
    }

    public async Task CoverAsync(Pod pod, string ip, CancellationToken ct)
    {
        if (PolicyPod.From(pod, ip) is { } known)
        {
            lock (_announcedLock)
            {
                _announced[known.Uid] = known;
            }
        }
        await SyncAsync(ct);
    }

    public void Forget(string uid)
    {
        lock (_announcedLock)
        {
            _announced.Remove(uid);
        }
    }

    /// <summary>One reconcile, after the informers' first lists; throws when nft refuses the table.</summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        await Task.WhenAll(_pods.WaitForSyncAsync(ct), _namespaces.WaitForSyncAsync(ct), _policies.WaitForSyncAsync(ct));
        await _sync.WaitAsync(ct);
        try
        {
            // Changes from here on start another reconcile.
            Volatile.Write(ref _queued, 0);
            var state = Snapshot(out var local);
            Volatile.Write(ref _relay, new RelayView(state, local.Select(p => p.Ip)));
            var script = NetworkPolicyTable.Script(_bridge, NetworkPolicyCompiler.Compile(state, local), _serviceCidr);
            if (script == _installed)
            {
                return;
            }
            var (exitCode, errors) = await IpCommand.FeedAsync("nft", ["-f", "-"], [script], ct);
            if (exitCode != 0)
            {
                _installed = null;
                throw new InvalidOperationException($"nft refused the network policy table ({exitCode}): {errors.Trim()}");
            }
            _installed = script;
            var table = NetworkPolicyTable.TableName(_bridge);
            var policies = _policies.Lister.Count;
            Installed(_log, table, local.Count, policies);
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>The state to compile: every pod with an address (this node's as their workers announced them), and this node's pods.</summary>
    private PolicyState Snapshot(out List<PolicyPod> local)
    {
        Dictionary<string, PolicyPod> announced;
        lock (_announcedLock)
        {
            announced = new Dictionary<string, PolicyPod>(_announced, StringComparer.Ordinal);
        }
        var byUid = new Dictionary<string, PolicyPod>(StringComparer.Ordinal);
        var localUids = new HashSet<string>(announced.Keys, StringComparer.Ordinal);
        foreach (var pod in _pods.Lister.List())
        {
            var uid = pod.Metadata.Uid ?? "";
            var onNode = pod.Spec?.NodeName == _nodeName;
            // The worker's address comes first for this node's pods; their labels follow the informer.
            var view = PolicyPod.From(pod, onNode && announced.TryGetValue(uid, out var early) ? Ipv4Range.Format(early.Ip) : null);
            if (view is null)
            {
                continue;
            }
            byUid[uid] = view;
            if (onNode)
            {
                localUids.Add(uid);
            }
        }
        foreach (var (uid, pod) in announced)
        {
            byUid.TryAdd(uid, pod);
        }
        // An address reused before the old pod's deletion arrived: the pod whose sandbox holds it now (announced) wins,
        // then a pod of this node, then the last seen.
        var pods = byUid.Values.GroupBy(p => p.Ip)
            .Select(g => g.FirstOrDefault(p => announced.ContainsKey(p.Uid)) ?? g.FirstOrDefault(p => localUids.Contains(p.Uid)) ?? g.Last())
            .ToList();
        local = [.. pods.Where(p => localUids.Contains(p.Uid))];
        pods.Add(ClusterDns.Pod(_gateway));
        return new PolicyState(_policies.Lister.List(), pods, PolicyState.LabelsByName(_namespaces.Lister.List()));
    }

    /// <summary>
    /// Whether the service proxy may relay a TCP connection or UDP flow from <paramref name="client"/> to <paramref name="backend"/>:
    /// judged as if the client had connected to the backend itself (its egress, the backend's ingress), because the
    /// relay's own connection comes from the node, which the kernel rules never judge. Before the first reconcile
    /// nothing is known and nothing is denied here (the table is not installed either).
    /// </summary>
    public bool AdmitRelayed(System.Net.IPAddress client, System.Net.IPEndPoint backend, System.Net.Sockets.ProtocolType protocol) =>
        Volatile.Read(ref _relay) is not { } view || view.Allows(client, backend, protocol);

    /// <summary>
    /// The socket mark of the service proxy's connection from <paramref name="client"/> to <paramref name="backend"/>: a pod
    /// of this node reaching a pod of another leaves with its own address (<see cref="RelaySource"/>); null for the rest.
    /// </summary>
    public int? RelayMark(System.Net.IPAddress client, System.Net.IPEndPoint backend) => Volatile.Read(ref _relay)?.Mark(client, backend);

    private void Kick()
    {
        if (Interlocked.Exchange(ref _queued, 1) == 1)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await SyncAsync(_stop.Token);
            }
            catch (InvalidOperationException e)
            {
                Failed(_log, e.Message);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                // Stopping: the table stays for the pods that survive the stop.
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        _stop.Dispose();
        _sync.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "network policy: table {Table} installed for {Pods} pods of this node ({Policies} policies in the cluster)")]
    private static partial void Installed(ILogger logger, string table, int pods, int policies);

    [LoggerMessage(Level = LogLevel.Warning, Message = "network policy: traffic between two pods of this node is NOT judged by any policy: {Reason}")]
    private static partial void BridgeFilteringOff(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "network policy: the table could not be installed (tried again on the next change): {Reason}")]
    private static partial void Failed(ILogger logger, string reason);
}
