using System.Globalization;
using System.Text.Json.Nodes;
using Axolotl.Client;
using Axolotl.Hosting.HostTools;
using Axolotl.Runtime.Network;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Network;

/// <summary>
/// vxlan mode's reconciler (<see cref="VxlanRoutes"/>): makes the device, tells the other nodes its MAC
/// through this node's annotation, and on every change of a Node's CIDR, address or MAC compares the
/// kernel's routes, neighbours and forwarding entries on the device with the desired ones and fixes
/// the difference in one ip and one bridge batch.
/// </summary>
public sealed partial class VxlanRouter(KubeClient client, string nodeName, string nodeIp, PodCidr podCidr, int mtu, TimeProvider time, ILoggerFactory logging, string? clusterCidr = null)
    : NodeRouterBase(client, "vxlan", ResyncPeriod, time, logging)
{
    /// <summary>Also resynced on this period: a device or entry removed by hand, or a failed first sync, is repaired.</summary>
    public static readonly TimeSpan ResyncPeriod = TimeSpan.FromSeconds(30);

    private readonly ILogger _log = logging.CreateLogger<VxlanRouter>();
    private bool _deviceReady;
    private string? _filtered;

    /// <summary>The entries installed by the last sync (tests).</summary>
    public IReadOnlyList<VxlanRoutes.Entry> Installed { get; private set; } = [];

    protected override object RoutingFacts(Api.Core.Node node) => Facts(node);

    private static (string?, string?, string?) Facts(Api.Core.Node node)
    {
        var (cidr, ip) = CidrAndAddress(node);
        return (cidr, ip, node.Metadata.Annotations?.GetValueOrDefault(VxlanRoutes.MacAnnotation));
    }

    protected override void ReportFailure(string reason) => LogFailed(_log, reason);

    protected override async Task ReconcileAsync(CancellationToken ct)
    {
        if (!_deviceReady)
        {
            var mac = await VxlanDevice.EnsureAsync(nodeIp, mtu, ct);
            await PublishMacAsync(mac, ct);
            _deviceReady = true;
        }
        var peers = Nodes.Lister.List().Select(n =>
        {
            var (cidr, ip, mac) = Facts(n);
            return new VxlanRoutes.Peer(n.Metadata.Name ?? "", cidr, ip, mac, n.Metadata.CreationTimestamp);
        });
        // Other nodes' CIDRs are routed only inside the cluster CIDR and clear of this node's (PeerFacts.RoutableRange).
        var desired = VxlanRoutes.Desired(nodeName, nodeIp, peers, clusterCidr, $"{podCidr.Network}/{podCidr.Prefix}");
        // Only the nodes may reach the VXLAN port: the set follows their addresses (this node's included).
        var allowed = string.Join(",", Nodes.Lister.List().Select(n => Facts(n).Item2).Append(nodeIp).Select(PeerFacts.Ipv4).OfType<string>().Distinct().Order(StringComparer.Ordinal));
        if (allowed != _filtered)
        {
            try
            {
                await VxlanFilter.ApplyAsync(allowed.Split(',', StringSplitOptions.RemoveEmptyEntries), ct);
                _filtered = allowed;
                LogFiltered(_log, allowed);
            }
            catch (InvalidOperationException e)
            {
                // The overlay still carries the pods (tried again on the next sync), but say the port is open to all.
                LogUnfiltered(_log, e.Message);
            }
        }
        var installed = await ReadInstalledAsync(ct);
        var ipCommands = VxlanRoutes.IpCommands(installed, desired, podCidr.Gateway);
        var fdbCommands = VxlanRoutes.FdbCommands(installed, desired);
        if (ipCommands.Count + fdbCommands.Count > 0)
        {
            await IpCommand.BridgeBatchAsync(fdbCommands, ct);
            await IpCommand.BatchAsync(ipCommands, null, force: true, ct);
            var now = await ReadInstalledAsync(ct);
            foreach (var missing in desired.Where(e => now.Routes.GetValueOrDefault(e.Cidr) != e.NextHop || now.Forwarding.GetValueOrDefault(e.Mac) != e.Underlay))
            {
                LogNotInstalled(_log, missing.Cidr, missing.Underlay);
            }
            if (_log.IsEnabled(LogLevel.Information))
            {
                var summary = string.Join(", ", desired.Select(e => $"{e.Cidr} to {e.Underlay}"));
                LogSynced(_log, desired.Count, summary);
            }
        }
        Installed = desired;
    }

    /// <summary>This node's device MAC on its Node, where every other node's router reads it.</summary>
    private async Task PublishMacAsync(string mac, CancellationToken ct)
    {
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [VxlanRoutes.MacAnnotation] = mac } } };
        await Client.Resource<Api.Core.Node>().PatchAsync(null, nodeName, PatchType.Merge, patch, ct);
    }

    private static async Task<VxlanRoutes.Installed> ReadInstalledAsync(CancellationToken ct)
    {
        var protocol = HostGatewayRoutes.Protocol.ToString(CultureInfo.InvariantCulture);
        var device = VxlanRoutes.Device;
        return new VxlanRoutes.Installed(
            VxlanRoutes.ParseRoutes(await IpCommand.OutputAsync("ip", ["-4", "route", "show", "proto", protocol, "dev", device], ct)),
            VxlanRoutes.ParseNeighbours(await IpCommand.OutputAsync("ip", ["-4", "neigh", "show", "dev", device, "nud", "permanent"], ct)),
            VxlanRoutes.ParseForwarding(await IpCommand.OutputAsync("bridge", ["fdb", "show", "dev", device], ct)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "vxlan: {Count} other nodes' pod CIDRs over the overlay: {Entries}")]
    private static partial void LogSynced(ILogger logger, int count, string entries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "vxlan: pod CIDR {Cidr} (node at {Underlay}) could not be installed")]
    private static partial void LogNotInstalled(ILogger logger, string cidr, string underlay);

    [LoggerMessage(Level = LogLevel.Information, Message = "vxlan: UDP 8472 accepted only from the nodes: {Addresses}")]
    private static partial void LogFiltered(ILogger logger, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "vxlan: UDP 8472 is NOT limited to the nodes (anyone who can reach it can inject pod traffic): {Reason}")]
    private static partial void LogUnfiltered(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "vxlan: not synced: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
