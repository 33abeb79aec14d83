using Axolotl.Client;
using Axolotl.Hosting.HostTools;
using Axolotl.Runtime.Network;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Network;

/// <summary>
/// Keeps this machine's routes to every other node's pod CIDR (<see cref="HostGatewayRoutes"/>) in step
/// with the Nodes: a watch on Nodes, and on every change the installed routes (listed by protocol) are
/// compared with the desired ones and fixed in one ip -batch. Forwarding is switched on for the uplink
/// (the interface holding this node's InternalIP) alone, so pod traffic from other nodes is routed to
/// the local bridge; pod traffic to outside the cluster is masqueraded (<see cref="NodeEgress"/>), never this.
/// </summary>
public sealed partial class HostGatewayRouter(KubeClient client, string nodeName, string nodeIp, PodCidr podCidr, TimeProvider time, ILoggerFactory logging, string? clusterCidr = null)
    : NodeRouterBase(client, "host-gw", resyncPeriod: null, time, logging)
{
    private readonly ILogger _log = logging.CreateLogger<HostGatewayRouter>();
    private string? _uplink;

    /// <summary>Routes currently installed by this router (destination → gateway), as last read from the kernel.</summary>
    public IReadOnlyDictionary<string, string> Installed { get; private set; } = new Dictionary<string, string>();

    protected override object RoutingFacts(Api.Core.Node node) => CidrAndAddress(node);

    /// <summary>One reconcile: desired routes from the informer's Nodes, installed from the kernel, the difference applied.</summary>
    protected override async Task ReconcileAsync(CancellationToken ct)
    {
        var peers = Nodes.Lister.List().Select(n =>
        {
            var (cidr, ip) = CidrAndAddress(n);
            return new HostGatewayRoutes.Peer(n.Metadata.Name ?? "", cidr ?? "", ip ?? "", n.Metadata.CreationTimestamp);
        });
        // Other nodes' CIDRs are routed only inside the cluster CIDR and clear of this node's (PeerFacts.RoutableRange).
        var desired = HostGatewayRoutes.Desired(nodeName, nodeIp, peers, clusterCidr, $"{podCidr.Network}/{podCidr.Prefix}");
        if (desired.Count > 0 && _uplink is null)
        {
            _uplink = await IpCommand.InterfaceWithAsync(nodeIp, ct);
            if (_uplink is not null)
            {
                await File.WriteAllTextAsync($"/proc/sys/net/ipv4/conf/{_uplink}/forwarding", "1", ct);
            }
        }
        var installed = HostGatewayRoutes.ParseInstalled(await ShowAsync(ct));
        var commands = HostGatewayRoutes.Commands(installed, desired, podCidr.Gateway);
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

    protected override void ReportFailure(string reason) => LogFailed(_log, reason);

    /// <summary>Removes every route this router installed (node teardown).</summary>
    public static async Task TeardownAsync(CancellationToken ct)
    {
        var installed = HostGatewayRoutes.ParseInstalled(await ShowAsync(ct));
        await IpCommand.BatchAsync(HostGatewayRoutes.Commands(installed, new Dictionary<string, string>(), ""), null, force: true, ct);
    }

    private static Task<string> ShowAsync(CancellationToken ct) =>
        IpCommand.OutputAsync("ip", ["-4", "route", "show", "proto", HostGatewayRoutes.Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture)], ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "host-gw: {Count} routes to other nodes' pods: {Routes}")]
    private static partial void LogSynced(ILogger logger, int count, string routes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "host-gw: no route to pod CIDR {Cidr} via {Gateway}: the node is not on a link this machine shares, which host-gw needs")]
    private static partial void LogUnroutable(ILogger logger, string cidr, string gateway);

    [LoggerMessage(Level = LogLevel.Warning, Message = "host-gw: routes not synced: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
