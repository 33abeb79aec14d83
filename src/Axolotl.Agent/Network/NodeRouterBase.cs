using Axolotl.Client;
using Axolotl.Client.Informers;
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
    private Task _run = Task.CompletedTask;

    protected NodeRouterBase(KubeClient client, string mode, TimeSpan? resyncPeriod, TimeProvider time, ILoggerFactory logging)
    {
        _time = time;
        _resyncPeriod = resyncPeriod;
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
        _run = Task.WhenAll(Task.Run(() => Nodes.RunAsync(_stop.Token)), Task.Run(ResyncAsync));
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

    private async Task ResyncAsync()
    {
        if (_resyncPeriod is not { } period)
        {
            return;
        }
        try
        {
            while (true)
            {
                await Task.Delay(period, _time, _stop.Token);
                Kick();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
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
        _stop.Dispose();
        _sync.Dispose();
        GC.SuppressFinalize(this);
    }
}
