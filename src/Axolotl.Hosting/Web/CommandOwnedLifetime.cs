using Microsoft.Extensions.Hosting;

namespace Axolotl.Hosting.Web;

/// <summary>
/// The lifetime of a web host inside the binary: it never listens for signals. ASP.NET's default (ConsoleLifetime)
/// stops the host on SIGTERM or Ctrl-C by itself, so the API server went down at once, beside the command's own
/// ordered stop: the node, the scheduler and the controllers then stopped against a server that no longer answered
/// (lease releases, Event flushes, informer retries), each waiting out a timeout. The command owns the signals and
/// stops every host last, after the parts that use it.
/// </summary>
public sealed class CommandOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
