using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Network;

/// <summary>
/// What both pod routers share: a Node informer whose changes of routing facts (CIDR, address, and
/// what the mode adds) each start one reconcile, reconciles run one at a time, an optional periodic
/// one (to repair what was changed by hand or failed), and a stop that leaves the kernel state for the
/// next start to adopt.
/// </summary>
public abstract class NodeRouterBase : IPodRouter
{
    private readonly SemaphoreSlim _sync = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan? _resyncPeriod;
    private readonly string _mode;
    private readonly ILogger _log;
    private Task _run = Task.CompletedTask;
    private DelegateLoop? _resync;

    protected NodeRouterBase(KubeClient client, string mode, TimeSpan? resyncPeriod, TimeProvider time, ILoggerFactory logging)
    {
        _time = time;
        _resyncPeriod = resyncPeriod;
        _mode = mode;
        _log = logging.CreateLogger(GetType());
        Client = client;
        Nodes = new SharedInformer<Api.Core.Node>(client.Resource<Api.Core.Node>(), time, logging.CreateLogger($"Axolotl.Informer.{mode}.nodes"));
        // Status heartbeats update Nodes every few seconds; only a change of the routing facts moves an entry.
        Nodes.AddEventHandler(new ResourceEventHandler<Api.Core.Node>(
            onAdd: _ => Kick(),
            onUpdate: (before, after) =>
            {
                if (!Equals(RoutingFacts(before), RoutingFacts(after)))
                {
                    Kick();
                }
            },
            onDelete: _ => Kick()));
    }

    protected SharedInformer<Api.Core.Node> Nodes { get; }

    protected KubeClient Client { get; }

    /// <summary>The pod CIDR and InternalIP of a Node as its object says them (unchecked: see <see cref="PeerFacts"/>).</summary>
    protected static (string? Cidr, string? InternalIp) CidrAndAddress(Api.Core.Node node) =>
        (Node.PodCidrAssignment.CidrOf(node), node.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address);

    /// <summary>What of a Node this mode's entries depend on: a change of it starts a reconcile.</summary>
    protected abstract object RoutingFacts(Api.Core.Node node);

    /// <summary>One reconcile of the kernel with the informer's Nodes (called one at a time).</summary>
    protected abstract Task ReconcileAsync(CancellationToken ct);

    /// <summary>A reconcile that failed (it is tried again on the next change or period).</summary>
    protected abstract void ReportFailure(string reason);

    public void Start()
    {
        _run = Task.Run(() => Nodes.RunAsync(_stop.Token));
        if (_resyncPeriod is { } period)
        {
            // Restart with backoff: without the periodic reconcile, what was changed by hand would stay broken.
            _resync = DelegateLoop.StartNew($"{_mode}-resync", LoopFailurePolicy.RestartWithBackoff, ct => ResyncAsync(period, ct), _time, _log, _stop.Token);
        }
    }

    public async Task SyncAsync(CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            await ReconcileAsync(ct);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or KubeApiException or HttpRequestException or System.ComponentModel.Win32Exception)
        {
            ReportFailure(e.Message);
        }
        finally
        {
            _sync.Release();
        }
    }

    private void Kick() => _ = Task.Run(async () =>
    {
        try
        {
            await SyncAsync(_stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping: what is installed stays for the next start.
        }
    });

    private async Task ResyncAsync(TimeSpan period, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(period, _time, ct);
            Kick();
        }
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
        if (_resync is not null)
        {
            await _resync.DisposeAsync();
        }
        _stop.Dispose();
        _sync.Dispose();
        GC.SuppressFinalize(this);
    }
}
