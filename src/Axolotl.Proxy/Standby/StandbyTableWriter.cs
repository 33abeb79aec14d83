using System.ComponentModel;
using System.Net;
using Axolotl.Api.Net;
using Axolotl.Hosting.HostTools;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Conntrack;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Standby;

/// <summary>
/// Keeps the node's service table (<see cref="StandbyTable"/>) in step with the proxy's routing snapshots: the
/// script is rebuilt for each snapshot and handed to nft (<see cref="LibNftables"/> in process, else `nft -f`) only when
/// its text changed, as one transaction: the whole table at the first write and after a failure, else only the changed
/// elements, chains and affinity sets, whether a readiness hint or a new snapshot changed them (<see cref="StandbyTable.Changes"/>:
/// a few lines instead of every chain, so a change reaches the kernel sooner, and the chains it does not touch keep their
/// counters and affinity entries).
/// A host without nft, or whose kernel refuses the table, gets one warning and the relay alone, as before (in
/// nftables mode the relay then listens on every frontend: <see cref="KernelFrontends"/> is empty).
/// In nftables mode, after each write, the UDP conntrack entries that would keep a client on an endpoint its Service
/// no longer has are deleted (<see cref="Conntrack"/>, <see cref="StaleUdpFlows"/>), as kube-proxy does.
/// The table is never removed here: it is what serves the Services while this process is gone, so the
/// host cleanup removes it with the node's other objects (ADR 0015, ADR 0026). Called from one loop at a time.
/// </summary>
public sealed class StandbyTableWriter(string table, ILogger logger, Func<string, CancellationToken, Task<(int ExitCode, string Errors)>>? apply = null)
{
    private readonly Func<string, CancellationToken, Task<(int ExitCode, string Errors)>> _apply = apply ?? InProcessOrNft(table, logger);
    private string? _installed;
    private TableLayout? _layout;
    private IReadOnlyDictionary<IPEndPoint, IReadOnlySet<IPAddress>>? _cleaned;
    private bool _udpToRelay;
    private IReadOnlySet<Frontend> _kernel = new HashSet<Frontend>();
    private bool _warned;
    private bool _relayFlowPolicy = true;

    public string Table { get; } = table;

    /// <summary>Relay (standby rules only) or nftables (kernel rules where the kernel can serve as Kubernetes requires).</summary>
    public ProxyMode Mode { get; init; } = ProxyMode.Relay;

    /// <summary>The pods' range, so pod clients of a cluster IP keep their address on the kernel path; null masquerades them.</summary>
    public Ipv4Cidr? ClusterCidr { get; init; }

    /// <summary>nftables mode: this node's pod bridge, behind which a DNATed connection keeps its client's address (<see cref="TableLayout.LocalEndpointsVia"/>).</summary>
    public string? LocalEndpointsVia { get; init; }

    /// <summary>The node agent's readiness hints: in nftables mode a kernel frontend's endpoint known not ready here leaves its DNAT map at the next write.</summary>
    public ILocalEndpointReadiness? LocalReadiness { get; init; }

    /// <summary>Frontends the process serves itself (the cluster DNS's address and port): never in the table.</summary>
    public IReadOnlySet<Frontend>? Reserved { get; init; }

    /// <summary>
    /// The node's conntrack table, for the UDP entries of departed endpoints. UDP frontends are the kernel's only with it
    /// (nftables mode; the proxy always sets it there) and only while it works: a failing ctnetlink sends UDP back to the relay.
    /// </summary>
    public IConntrack? Conntrack { get; init; }

    /// <summary>Whether the table takes UDP frontends now (see <see cref="Conntrack"/>).</summary>
    public bool UdpInKernel => Mode == ProxyMode.Nftables && Conntrack is not null && !_udpToRelay;

    /// <summary>UDP conntrack entries deleted so far (stale ones: their endpoint left the Service).</summary>
    public int DeletedUdpFlows { get; private set; }

    /// <summary>The script the kernel has now, or null before the first success (or after a failure).</summary>
    public string? Installed => _installed;

    /// <summary>The frontends the installed table DNATs outright (nftables mode); empty when none is installed.</summary>
    public IReadOnlySet<Frontend> KernelFrontends => Volatile.Read(ref _kernel);

    /// <summary>Writes that replaced the whole table, and those that changed only what differed (for tests and operators).</summary>
    public int FullWrites { get; private set; }

    /// <inheritdoc cref="FullWrites"/>
    public int IncrementalWrites { get; private set; }

    /// <summary>
    /// Writes the table for <paramref name="snapshot"/> unless the kernel already has it, then deletes the UDP conntrack
    /// entries it made stale; false when nft failed.
    /// </summary>
    public async Task<bool> WriteAsync(RoutingSnapshot snapshot, CancellationToken ct)
    {
        if (!await WriteTableAsync(snapshot, ct))
        {
            return false;
        }
        if (await CleanUdpFlowsAsync(snapshot, ct))
        {
            return true;
        }
        // ctnetlink failed: serving UDP without removing stale entries would strand clients on gone pods, so the relay takes UDP back.
        return await WriteTableAsync(snapshot, ct);
    }

    /// <summary>Frontends the table must not take: the reserved ones, and every UDP one while UDP is the relay's.</summary>
    private IReadOnlySet<Frontend>? Excluded(RoutingSnapshot snapshot) =>
        UdpInKernel || Mode != ProxyMode.Nftables
            ? Reserved
            : new HashSet<Frontend>([.. Reserved ?? new HashSet<Frontend>(), .. snapshot.Frontends.Keys.Where(f => f.Transport == Transport.Udp)]);

    private async Task<bool> WriteTableAsync(RoutingSnapshot snapshot, CancellationToken ct)
    {
        Func<IPAddress, bool>? hints = LocalReadiness is { } board ? board.IsKnownNotReady : null;
        var excluded = Excluded(snapshot);
        // Numbered from the installed table, so a snapshot that moved endpoints or added a few Service ports is a small change.
        var layout = StandbyTable.Layout(Table, snapshot, Mode, ClusterCidr, hints, excluded, _layout, _relayFlowPolicy) with { LocalEndpointsVia = LocalEndpointsVia };
        var script = StandbyTable.Render(layout);
        if (script == _installed)
        {
            return true;
        }
        if (_layout is { } before && StandbyTable.CanChange(before, layout))
        {
            // Only what differs (elements, the chains and affinity sets of changed Service ports), in one small transaction;
            // chains left alone keep their counters and their clients' affinity. Larger than the whole table: the whole table.
            var changes = StandbyTable.Changes(before, layout);
            if (changes.Length < script.Length && (await ApplyAsync(changes, ct)).ExitCode == 0)
            {
                _installed = script;
                _layout = layout;
                IncrementalWrites++;
                var kernel = StandbyTable.KernelFrontends(snapshot, Mode, excluded);
                if (!kernel.SetEquals(_kernel))
                {
                    // A new set only when it changed: the relay reconciles its listeners when it sees another instance.
                    Volatile.Write(ref _kernel, kernel);
                }
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    var lines = changes.Count(c => c == '\n');
                    StandbyLog.ChangesApplied(logger, Table, lines, layout.Elements.Count);
                }
                return true;
            }
            // The kernel's table is not the one we wrote (changed by hand, or gone): the whole table puts it right, numbered afresh.
            layout = StandbyTable.Layout(Table, snapshot, Mode, ClusterCidr, hints, excluded, relayFlowPolicy: _relayFlowPolicy) with { LocalEndpointsVia = LocalEndpointsVia };
            script = StandbyTable.Render(layout);
        }
        var result = await ApplyAsync(script, ct);
        if (result.ExitCode != 0 && layout.RelayFlowPolicy)
        {
            // A kernel without conntrack timeout policies: the standby path without it beats none (a client reusing the port of a
            // connection the process's death reset may be refused for up to 10 s).
            var without = StandbyTable.Layout(Table, snapshot, Mode, ClusterCidr, hints, excluded, relayFlowPolicy: false) with { LocalEndpointsVia = LocalEndpointsVia };
            var fallback = await ApplyAsync(StandbyTable.Render(without), ct);
            if (fallback.ExitCode == 0)
            {
                _relayFlowPolicy = false;
                StandbyLog.NoRelayFlowPolicy(logger, Table, result.Errors.Trim());
                layout = without;
                script = StandbyTable.Render(without);
                result = fallback;
            }
        }
        if (result.ExitCode != 0)
        {
            // What the kernel has now is unknown: the relay serves every frontend until a write succeeds.
            _installed = null;
            _layout = null;
            _cleaned = null;
            Volatile.Write(ref _kernel, new HashSet<Frontend>());
            if (!_warned)
            {
                _warned = true;
                if (Mode == ProxyMode.Nftables)
                {
                    StandbyLog.KernelUnavailable(logger, Table, result.Errors.Trim());
                }
                else
                {
                    StandbyLog.Unavailable(logger, Table, result.Errors.Trim());
                }
            }
            return false;
        }
        var first = _installed is null;
        _installed = script;
        _layout = layout;
        FullWrites++;
        Volatile.Write(ref _kernel, StandbyTable.KernelFrontends(snapshot, Mode, excluded));
        if (first || logger.IsEnabled(LogLevel.Debug))
        {
            var frontends = StandbyTable.Frontends(snapshot, Mode, excluded).Count;
            if (first && Mode == ProxyMode.Nftables)
            {
                StandbyLog.KernelInstalled(logger, Table, _kernel.Count);
            }
            else if (first)
            {
                StandbyLog.Installed(logger, Table, frontends);
            }
            else
            {
                StandbyLog.Updated(logger, Table, frontends);
            }
        }
        return true;
    }

    /// <summary>
    /// After the table took an endpoint out of a UDP frontend (or the frontend out of the table), the conntrack entries that
    /// still send its clients there go (<see cref="StaleUdpFlows"/>): their next datagram is a new entry, DNATed by the table
    /// just written. Level-triggered on the frontends' endpoint sets: runs when they differ from the last cleaned ones
    /// (and at the first write, which also takes the entries of flows the relay served before), not on every write.
    /// </summary>
    /// <returns>False when ctnetlink failed (UDP is then the relay's from the next write on).</returns>
    private async Task<bool> CleanUdpFlowsAsync(RoutingSnapshot snapshot, CancellationToken ct)
    {
        if (Conntrack is null || !UdpInKernel || _installed is null)
        {
            return true;
        }
        var hints = LocalReadiness is { } board ? board.IsKnownNotReady : (Func<IPAddress, bool>?)null;
        var endpoints = StandbyTable.UdpEndpoints(snapshot, Mode, hints, Reserved);
        if (_cleaned is { } cleaned && cleaned.Count == endpoints.Count &&
            cleaned.All(p => endpoints.TryGetValue(p.Key, out var now) && now.SetEquals(p.Value)))
        {
            return true;
        }
        var gone = (_cleaned?.Keys ?? []).Where(f => !endpoints.ContainsKey(f)).ToHashSet();
        if (endpoints.Count == 0 && gone.Count == 0)
        {
            // No UDP frontend now or before: nothing to look for (the usual TCP-only node never lists the table).
            _cleaned = endpoints;
            return true;
        }
        try
        {
            var stale = StaleUdpFlows.Select(await Conntrack.ListUdpAsync(ct), endpoints, gone);
            var deleted = await Conntrack.DeleteAsync(stale, ct);
            DeletedUdpFlows += deleted;
            _cleaned = endpoints;
            if (deleted > 0)
            {
                StandbyLog.UdpFlowsDeleted(logger, Table, deleted);
            }
            return true;
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidDataException)
        {
            _udpToRelay = true;
            StandbyLog.ConntrackUnavailable(logger, Table, e.Message);
            return false;
        }
    }

    private async Task<(int ExitCode, string Errors)> ApplyAsync(string script, CancellationToken ct)
    {
        try
        {
            return await _apply(script, ct);
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidOperationException)
        {
            return (-1, e.Message);
        }
    }

    /// <summary>
    /// libnftables in process when the node has it (no process per write: what makes a hint's change cost well under a
    /// millisecond), else `nft -f`. The context is made at the first write, on the table loop, in the process's namespace;
    /// while the process has too many descriptors open for one (LibNftables), writes go through `nft -f` and the next
    /// write tries again.
    /// </summary>
    private static Func<string, CancellationToken, Task<(int ExitCode, string Errors)>> InProcessOrNft(string table, ILogger logger)
    {
        var gate = new Lock();
        LibNftables? library = null;
        var absent = false;
        var deferred = false;
        return (script, ct) =>
        {
            lock (gate)
            {
                if (library is null && !absent)
                {
                    library = LibNftables.TryCreate(out var tooManyOpen);
                    absent = library is null && !tooManyOpen;
                    if (tooManyOpen && !deferred)
                    {
                        deferred = true;
                        StandbyLog.LibraryDeferred(logger, table, LibNftables.MaxOpenForContext);
                    }
                }
            }
            return library is { } nft ? Task.FromResult(nft.Run(script)) : ApplyWithNftAsync(script, ct);
        };
    }

    private static Task<(int ExitCode, string Errors)> ApplyWithNftAsync(string script, CancellationToken ct) => IpCommand.FeedAsync("nft", ["-f", "-"], [script], ct);
}
