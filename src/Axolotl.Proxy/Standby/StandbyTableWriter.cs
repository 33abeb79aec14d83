using System.ComponentModel;
using Axolotl.Hosting.HostTools;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Standby;

/// <summary>
/// Keeps the kernel standby table (<see cref="StandbyTable"/>) in step with the proxy's routing snapshots: the
/// script is rebuilt for each snapshot and handed to `nft -f` only when its text changed, as one transaction.
/// A host without nft, or whose kernel refuses the table, gets one warning and the relay alone, as before.
/// The table is never removed here: it is what serves the Services while this process is gone, so the
/// host cleanup removes it with the node's other objects (ADR 0015, ADR 0026). Called from one loop at a time.
/// </summary>
public sealed class StandbyTableWriter(string table, ILogger logger, Func<string, CancellationToken, Task<(int ExitCode, string Errors)>>? apply = null)
{
    private readonly Func<string, CancellationToken, Task<(int ExitCode, string Errors)>> _apply = apply ?? ApplyWithNftAsync;
    private string? _installed;
    private bool _warned;

    public string Table { get; } = table;

    /// <summary>The script the kernel has now, or null before the first success (or after a failure).</summary>
    public string? Installed => _installed;

    /// <summary>Writes the table for <paramref name="snapshot"/> unless the kernel already has it; false when nft failed.</summary>
    public async Task<bool> WriteAsync(RoutingSnapshot snapshot, CancellationToken ct)
    {
        var script = StandbyTable.Script(Table, snapshot);
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
            _installed = null;
            if (!_warned)
            {
                _warned = true;
                StandbyLog.Unavailable(logger, Table, result.Errors.Trim());
            }
            return false;
        }
        var first = _installed is null;
        _installed = script;
        if (first || logger.IsEnabled(LogLevel.Debug))
        {
            var frontends = StandbyTable.StandbyFrontends(snapshot).Count;
            if (first)
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
