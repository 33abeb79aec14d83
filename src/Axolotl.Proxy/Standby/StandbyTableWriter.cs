using System.ComponentModel;
using Axolotl.Api.Net;
using Axolotl.Hosting.HostTools;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Standby;

/// <summary>
/// Keeps the node's service table (<see cref="StandbyTable"/>) in step with the proxy's routing snapshots: the
/// script is rebuilt for each snapshot and handed to `nft -f` only when its text changed, as one transaction: the whole
/// table when the snapshot changed it, only the changed elements and pick chains when the agent's readiness hints did
/// (<see cref="StandbyTable.Changes"/>: a few lines instead of every chain, so a hint reaches the kernel sooner).
/// A host without nft, or whose kernel refuses the table, gets one warning and the relay alone, as before (in
/// nftables mode the relay then listens on every frontend: <see cref="KernelFrontends"/> is empty).
/// The table is never removed here: it is what serves the Services while this process is gone, so the
/// host cleanup removes it with the node's other objects (ADR 0015, ADR 0026). Called from one loop at a time.
/// </summary>
public sealed class StandbyTableWriter(string table, ILogger logger, Func<string, CancellationToken, Task<(int ExitCode, string Errors)>>? apply = null)
{
    private readonly Func<string, CancellationToken, Task<(int ExitCode, string Errors)>> _apply = apply ?? ApplyWithNftAsync;
    private string? _installed;
    private TableLayout? _layout;
    private IReadOnlySet<Frontend> _kernel = new HashSet<Frontend>();
    private bool _warned;

    public string Table { get; } = table;

    /// <summary>Relay (standby rules only) or nftables (kernel rules where the kernel can serve as Kubernetes requires).</summary>
    public ProxyMode Mode { get; init; } = ProxyMode.Relay;

    /// <summary>The pods' range, so pod clients of a cluster IP keep their address on the kernel path; null masquerades them.</summary>
    public Ipv4Cidr? ClusterCidr { get; init; }

    /// <summary>The node agent's readiness hints: in nftables mode a kernel frontend's endpoint known not ready here leaves its DNAT map at the next write.</summary>
    public ILocalEndpointReadiness? LocalReadiness { get; init; }

    /// <summary>The script the kernel has now, or null before the first success (or after a failure).</summary>
    public string? Installed => _installed;

    /// <summary>The frontends the installed table DNATs outright (nftables mode); empty when none is installed.</summary>
    public IReadOnlySet<Frontend> KernelFrontends => Volatile.Read(ref _kernel);

    /// <summary>Writes that replaced the whole table, and those that changed only elements and pick chains (for tests and operators).</summary>
    public int FullWrites { get; private set; }

    /// <inheritdoc cref="FullWrites"/>
    public int IncrementalWrites { get; private set; }

    /// <summary>Writes the table for <paramref name="snapshot"/> unless the kernel already has it; false when nft failed.</summary>
    public async Task<bool> WriteAsync(RoutingSnapshot snapshot, CancellationToken ct)
    {
        var layout = StandbyTable.Layout(Table, snapshot, Mode, ClusterCidr, LocalReadiness is { } hints ? hints.IsKnownNotReady : null);
        var script = StandbyTable.Render(layout);
        if (script == _installed)
        {
            return true;
        }
        if (_layout is { } before && before.Skeleton == layout.Skeleton)
        {
            // Only the hints changed what the kernel should have: the elements and pick chains that differ, in one small transaction.
            var changes = StandbyTable.Changes(before, layout);
            if ((await ApplyAsync(changes, ct)).ExitCode == 0)
            {
                _installed = script;
                _layout = layout;
                IncrementalWrites++;
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    var lines = changes.Count(c => c == '\n');
                    StandbyLog.HintsApplied(logger, Table, lines, layout.Elements.Count);
                }
                return true;
            }
            // The kernel's table is not the one we wrote (changed by hand, or gone): the whole table puts it right.
        }
        var result = await ApplyAsync(script, ct);
        if (result.ExitCode != 0)
        {
            // What the kernel has now is unknown: the relay serves every frontend until a write succeeds.
            _installed = null;
            _layout = null;
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
        Volatile.Write(ref _kernel, StandbyTable.KernelFrontends(snapshot, Mode));
        if (first || logger.IsEnabled(LogLevel.Debug))
        {
            var frontends = StandbyTable.Frontends(snapshot, Mode).Count;
            if (first && Mode == ProxyMode.Nftables)
            {
                StandbyLog.KernelInstalled(logger, Table, _kernel.Count, frontends - _kernel.Count);
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

    private static Task<(int ExitCode, string Errors)> ApplyWithNftAsync(string script, CancellationToken ct) => IpCommand.FeedAsync("nft", ["-f", "-"], [script], ct);
}
