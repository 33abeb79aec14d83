using Axolotl.Client;
using Axolotl.Client.Informers;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Network;

/// <summary>
/// Keeps this machine's routes to every other node's pod CIDR (<see cref="HostGatewayRoutes"/>) in step
/// with the Nodes: a watch on Nodes, and on every change the installed routes (listed by protocol) are
/// compared with the desired ones and fixed in one ip -batch. Forwarding is switched on for the uplink
/// (the interface holding this node's InternalIP) alone, so pod traffic from other nodes is routed to
/// the local bridge; the bridge's policy rules (<see cref="NodeRouting"/>) still keep pods to the cluster.
/// </summary>
public sealed partial class HostGatewayRouter : IPodRouter
{
    private readonly SharedInformer<Api.Core.Node> _nodes;
    private readonly string _nodeName;
    private readonly string _nodeIp;
    private readonly string _gateway;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _sync = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;
    private string? _uplink;

    public HostGatewayRouter(KubeClient client, string nodeName, string nodeIp, PodCidr podCidr, TimeProvider time, ILoggerFactory logging)
    {
        _nodeName = nodeName;
        _nodeIp = nodeIp;
        _gateway = podCidr.Gateway;
        _log = logging.CreateLogger<HostGatewayRouter>();
        _nodes = new SharedInformer<Api.Core.Node>(client.Resource<Api.Core.Node>(), time, logging.CreateLogger("Axolotl.Informer.host-gw.nodes"));
        // Status heartbeats update Nodes every few seconds; only a CIDR or address change moves a route.
        _nodes.AddEventHandler(new ResourceEventHandler<Api.Core.Node>(
            onAdd: _ => Kick(),
            onUpdate: (before, after) =>
            {
                if (RouteFacts(before) != RouteFacts(after))
                {
                    Kick();
                }
            },
            onDelete: _ => Kick()));
    }

    /// <summary>Routes currently installed by this router (destination → gateway), as last read from the kernel.</summary>
    public IReadOnlyDictionary<string, string> Installed { get; private set; } = new Dictionary<string, string>();

    public void Start()
    {
        _run = Task.Run(() => _nodes.RunAsync(_stop.Token));
    }

    private void Kick() => _ = Task.Run(async () =>
    {
        try
        {
            await SyncAsync(_stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping: the routes stay for the next start.
        }
    });

    private static (string?, string?) RouteFacts(Api.Core.Node node) =>
        (Node.PodCidrAssignment.CidrOf(node), node.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address);

    /// <summary>One reconcile: desired routes from the informer's Nodes, installed from the kernel, the difference applied.</summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            var peers = _nodes.Lister.List()
                .Select(n => new HostGatewayRoutes.Peer(n.Metadata.Name ?? "", Node.PodCidrAssignment.CidrOf(n) ?? "",
                    n.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address ?? ""));
            var desired = HostGatewayRoutes.Desired(_nodeName, _nodeIp, peers);
            if (desired.Count > 0 && _uplink is null)
            {
                _uplink = await UplinkAsync(ct);
                if (_uplink is not null)
                {
                    await File.WriteAllTextAsync($"/proc/sys/net/ipv4/conf/{_uplink}/forwarding", "1", ct);
                }
            }
            var installed = HostGatewayRoutes.ParseInstalled(await ShowAsync(ct));
            var commands = HostGatewayRoutes.Commands(installed, desired, _gateway);
            if (commands.Count > 0)
            {
                // -force: one unreachable gateway (a node on another subnet: host-gw cannot reach it) must not stop the others.
                await IpCommand.BatchAsync(commands, null, force: true, ct);
                installed = HostGatewayRoutes.ParseInstalled(await ShowAsync(ct));
                foreach (var missing in desired.Where(r => installed.GetValueOrDefault(r.Key) != r.Value))
                {
                    LogUnroutable(_log, missing.Key, missing.Value);
                }
                if (_log.IsEnabled(LogLevel.Information))
                {
                    var summary = string.Join(", ", installed.Select(r => $"{r.Key} via {r.Value}"));
                    LogSynced(_log, installed.Count, summary);
                }
            }
            Installed = installed;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            LogFailed(_log, e.Message);
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>Removes every route this router installed (node teardown).</summary>
    public static async Task TeardownAsync(CancellationToken ct)
    {
        var installed = HostGatewayRoutes.ParseInstalled(await ShowAsync(ct));
        await IpCommand.BatchAsync(HostGatewayRoutes.Commands(installed, new Dictionary<string, string>(), ""), null, force: true, ct);
    }

    private Task<string?> UplinkAsync(CancellationToken ct) => IpCommand.InterfaceWithAsync(_nodeIp, ct);

    private static Task<string> ShowAsync(CancellationToken ct) =>
        IpCommand.OutputAsync("ip", ["-4", "route", "show", "proto", HostGatewayRoutes.Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture)], ct);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "host-gw: {Count} routes to other nodes' pods: {Routes}")]
    private static partial void LogSynced(ILogger logger, int count, string routes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "host-gw: no route to pod CIDR {Cidr} via {Gateway}: the node is not on a link this machine shares, which host-gw needs")]
    private static partial void LogUnroutable(ILogger logger, string cidr, string gateway);

    [LoggerMessage(Level = LogLevel.Warning, Message = "host-gw: routes not synced: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
