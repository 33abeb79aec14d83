using System.Globalization;
using System.Text.Json.Nodes;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Network;

/// <summary>
/// vxlan mode's reconciler (<see cref="VxlanRoutes"/>): makes the device, tells the other nodes its MAC
/// through this node's annotation, and on every change of a Node's CIDR, address or MAC compares the
/// kernel's routes, neighbours and forwarding entries on the device with the desired ones and fixes
/// the difference in one ip and one bridge batch.
/// </summary>
public sealed partial class VxlanRouter : IPodRouter
{
    private readonly KubeClient _client;
    private readonly SharedInformer<Api.Core.Node> _nodes;
    private readonly string _nodeName;
    private readonly string _nodeIp;
    private readonly string _gateway;
    private readonly int _mtu;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _sync = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;
    private bool _deviceReady;
    private string? _filtered;

    public VxlanRouter(KubeClient client, string nodeName, string nodeIp, PodCidr podCidr, int mtu, TimeProvider time, ILoggerFactory logging)
    {
        _client = client;
        _nodeName = nodeName;
        _nodeIp = nodeIp;
        _gateway = podCidr.Gateway;
        _mtu = mtu;
        _time = time;
        _log = logging.CreateLogger<VxlanRouter>();
        _nodes = new SharedInformer<Api.Core.Node>(client.Resource<Api.Core.Node>(), time, logging.CreateLogger("Axolotl.Informer.vxlan.nodes"));
        // Status heartbeats update Nodes every few seconds; only a CIDR, address or MAC change moves an entry.
        _nodes.AddEventHandler(new ResourceEventHandler<Api.Core.Node>(
            onAdd: _ => Kick(),
            onUpdate: (before, after) =>
            {
                if (Facts(before) != Facts(after))
                {
                    Kick();
                }
            },
            onDelete: _ => Kick()));
    }

    /// <summary>The entries installed by the last sync (tests).</summary>
    public IReadOnlyList<VxlanRoutes.Entry> Installed { get; private set; } = [];

    /// <summary>Also resynced on this period: a device or entry removed by hand, or a failed first sync, is repaired.</summary>
    public static readonly TimeSpan ResyncPeriod = TimeSpan.FromSeconds(30);

    public void Start() => _run = Task.WhenAll(Task.Run(() => _nodes.RunAsync(_stop.Token)), Task.Run(ResyncAsync));

    private async Task ResyncAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(ResyncPeriod, _time, _stop.Token);
                Kick();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
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
            // Stopping: the device and its entries stay for the next start.
        }
    });

    private static (string?, string?, string?) Facts(Api.Core.Node node) =>
        (Node.PodCidrAssignment.CidrOf(node), node.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address,
            node.Metadata.Annotations?.GetValueOrDefault(VxlanRoutes.MacAnnotation));

    public async Task SyncAsync(CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            if (!_deviceReady)
            {
                var mac = await VxlanDevice.EnsureAsync(_nodeIp, _mtu, ct);
                await PublishMacAsync(mac, ct);
                _deviceReady = true;
            }
            var peers = _nodes.Lister.List().Select(n =>
            {
                var (cidr, ip, mac) = Facts(n);
                return new VxlanRoutes.Peer(n.Metadata.Name ?? "", cidr, ip, mac);
            });
            var desired = VxlanRoutes.Desired(_nodeName, _nodeIp, peers);
            // Only the nodes may reach the VXLAN port: the set follows their addresses (this node's included).
            var allowed = string.Join(",", _nodes.Lister.List().Select(n => Facts(n).Item2).Append(_nodeIp).Select(PeerFacts.Ipv4).OfType<string>().Distinct().Order(StringComparer.Ordinal));
            if (allowed != _filtered)
            {
                await VxlanFilter.ApplyAsync(allowed.Split(',', StringSplitOptions.RemoveEmptyEntries), ct);
                _filtered = allowed;
                LogFiltered(_log, allowed);
            }
            var installed = await ReadInstalledAsync(ct);
            var ipCommands = VxlanRoutes.IpCommands(installed, desired, _gateway);
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
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or KubeApiException or HttpRequestException)
        {
            LogFailed(_log, e.Message);
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>This node's device MAC on its Node, where every other node's router reads it.</summary>
    private async Task PublishMacAsync(string mac, CancellationToken ct)
    {
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [VxlanRoutes.MacAnnotation] = mac } } };
        await _client.Resource<Api.Core.Node>().PatchAsync(null, _nodeName, PatchType.Merge, patch, ct);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "vxlan: {Count} other nodes' pod CIDRs over the overlay: {Entries}")]
    private static partial void LogSynced(ILogger logger, int count, string entries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "vxlan: pod CIDR {Cidr} (node at {Underlay}) could not be installed")]
    private static partial void LogNotInstalled(ILogger logger, string cidr, string underlay);

    [LoggerMessage(Level = LogLevel.Information, Message = "vxlan: UDP 8472 accepted only from the nodes: {Addresses}")]
    private static partial void LogFiltered(ILogger logger, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "vxlan: not synced: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
