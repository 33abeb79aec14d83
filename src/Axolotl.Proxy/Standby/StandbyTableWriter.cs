using System.ComponentModel;
using Axolotl.Api.Net;
using Axolotl.Hosting.HostTools;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Standby;

/// <summary>
/// Keeps the node's service table (<see cref="StandbyTable"/>) in step with the proxy's routing snapshots: the
/// script is rebuilt for each snapshot and handed to `nft -f` only when its text changed, as one transaction.
/// A host without nft, or whose kernel refuses the table, gets one warning and the relay alone, as before (in
/// nftables mode the relay then listens on every frontend: <see cref="KernelFrontends"/> is empty).
/// The table is never removed here: it is what serves the Services while this process is gone, so the
/// host cleanup removes it with the node's other objects (ADR 0015, ADR 0026). Called from one loop at a time.
/// </summary>
public sealed class StandbyTableWriter(string table, ILogger logger, Func<string, CancellationToken, Task<(int ExitCode, string Errors)>>? apply = null)
{
    private readonly Func<string, CancellationToken, Task<(int ExitCode, string Errors)>> _apply = apply ?? ApplyWithNftAsync;
    private string? _installed;
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

    /// <summary>Writes the table for <paramref name="snapshot"/> unless the kernel already has it; false when nft failed.</summary>
    public async Task<bool> WriteAsync(RoutingSnapshot snapshot, CancellationToken ct)
    {
        var script = StandbyTable.Script(Table, snapshot, Mode, ClusterCidr, LocalReadiness is { } hints ? hints.IsKnownNotReady : null);
        if (script == _installed)
        {
            return true;
        }
        (int ExitCode, string Errors) result;
        try
        {
            result = await _apply(script, ct);
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidOperationException)
        {
            result = (-1, e.Message);
        }
        if (result.ExitCode != 0)
        {
            // What the kernel has now is unknown: the relay serves every frontend until a write succeeds.
            _installed = null;
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

    private static Task<(int ExitCode, string Errors)> ApplyWithNftAsync(string script, CancellationToken ct) => IpCommand.FeedAsync("nft", ["-f", "-"], [script], ct);
}
