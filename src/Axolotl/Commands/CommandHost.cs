using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// What every long-running command (server, agent, fake nodes) sets up alike: single-line console
/// logging with timestamps at the levels <see cref="Verbosity"/> (--v) chooses, and a shutdown source that SIGINT and SIGTERM cancel instead of killing
/// the process, so everything stops cleanly.
/// </summary>
internal sealed class CommandHost : IDisposable
{
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    public CommandHost(Verbosity? verbosity = null)
    {
        var v = verbosity ?? Verbosity.Default;
        Logging = LoggerFactory.Create(b =>
        {
            b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
                .SetMinimumLevel(v.MinimumLevel)
                .AddFilter("Microsoft", v.FrameworkLevel)
                .AddFilter("System", v.FrameworkLevel)
                .AddFilter(Verbosity.ConnectionClosedCategory, v.ConnectionClosedLevel);
            foreach (var category in Verbosity.PerRequestCategories)
            {
                b.AddFilter(category, v.PerRequestLevel);
            }
        });
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    public ILoggerFactory Logging { get; }

    /// <summary>Cancelled by SIGINT or SIGTERM (or by the command itself).</summary>
    public CancellationTokenSource Shutdown { get; } = new();

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        Shutdown.Dispose();
        Logging.Dispose();
    }

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        Shutdown.Cancel();
    }
}
