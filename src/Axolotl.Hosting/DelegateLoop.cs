using Microsoft.Extensions.Logging;

namespace Axolotl.Hosting;

/// <summary>
/// A <see cref="BackgroundLoop"/> whose body is a component's own run method, for components that are
/// more than their loop (a heartbeat, a listener, a collector) and so cannot derive from the base.
/// </summary>
public sealed class DelegateLoop(string name, LoopFailurePolicy failurePolicy, Func<CancellationToken, Task> body, TimeProvider time, ILogger logger)
    : BackgroundLoop(name, failurePolicy, time, logger)
{
    /// <summary>Creates the loop and starts it at once; <paramref name="hostStopping"/> stops it.</summary>
    public static DelegateLoop StartNew(string name, LoopFailurePolicy failurePolicy, Func<CancellationToken, Task> body, TimeProvider time, ILogger logger,
        CancellationToken hostStopping)
    {
        var loop = new DelegateLoop(name, failurePolicy, body, time, logger);
        loop.Start(hostStopping);
        return loop;
    }

    protected override Task ExecuteAsync(CancellationToken ct) => body(ct);
}
