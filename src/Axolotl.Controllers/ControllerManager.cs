using Axolotl.Client;
using Axolotl.Controllers.GarbageCollector;
using Axolotl.Controllers.Namespace;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers;

/// <summary>Which controllers <see cref="ControllerManager"/> runs and how.</summary>
public sealed record ControllerManagerOptions
{
    public bool GarbageCollector { get; init; } = true;

    public bool Namespace { get; init; } = true;

    public GarbageCollectorOptions GarbageCollectorOptions { get; init; } = new();

    public NamespaceControllerOptions NamespaceOptions { get; init; } = new();
}

/// <summary>
/// Starts the control-plane controllers against an API server reached only through
/// <paramref name="client"/> (in <c>axolotl server</c>: a client for its own loopback URL).
/// <see cref="StartAsync"/> returns as soon as the loops are running; they sync in the background.
/// </summary>
public sealed class ControllerManager : IAsyncDisposable
{
    private readonly List<BackgroundLoop> _loops = [];

    private ControllerManager()
    {
    }

    public GarbageCollectorController? GarbageCollector { get; private set; }

    public NamespaceController? Namespaces { get; private set; }

    public IReadOnlyList<BackgroundLoop> Loops => _loops;

    /// <summary>Completes when every loop has ended; faults if one failed fast.</summary>
    public Task Completion => Task.WhenAll(_loops.Select(l => l.Completion));

    public static Task<ControllerManager> StartAsync(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken ct) =>
        StartAsync(client, loggerFactory, time, new ControllerManagerOptions(), ct);

    public static Task<ControllerManager> StartAsync(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, ControllerManagerOptions options, CancellationToken ct)
    {
        var manager = new ControllerManager();
        if (options.GarbageCollector)
        {
            manager.GarbageCollector = new GarbageCollectorController(client, loggerFactory, time, options.GarbageCollectorOptions);
            manager._loops.Add(manager.GarbageCollector);
        }
        if (options.Namespace)
        {
            manager.Namespaces = new NamespaceController(client, loggerFactory, time, options.NamespaceOptions);
            manager._loops.Add(manager.Namespaces);
        }
        foreach (var loop in manager._loops)
        {
            loop.Start(ct);
        }
        return Task.FromResult(manager);
    }

    /// <summary>Stops every loop and waits for them.</summary>
    public async Task StopAsync() => await Task.WhenAll(_loops.Select(l => l.StopAsync()));

    public async ValueTask DisposeAsync()
    {
        foreach (var loop in _loops)
        {
            await loop.DisposeAsync();
        }
    }
}
