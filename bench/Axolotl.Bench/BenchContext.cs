using System.Diagnostics;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench;

/// <summary>What scenarios share: the options, a way to start fresh servers and kubectl, and progress output.</summary>
internal sealed class BenchContext(BenchOptions options)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly long _started = Stopwatch.GetTimestamp();

    public BenchOptions Options { get; } = options;
    public bool Quick => Options.Quick;
    public bool Http2 => Options.Http2;

    /// <summary>A server on a fresh data dir, ready to use; dispose it to stop it and delete the dir.</summary>
    public Task<ServerProcess> StartServerAsync(CancellationToken ct) =>
        ServerProcess.StartAsync(Options.ServerBinary, Options.ServerEnvironment, StartTimeout, ct, Options.ServerArguments);

    /// <summary>A server with more flags (e.g. --datastore-endpoint).</summary>
    public Task<ServerProcess> StartServerAsync(IReadOnlyList<string> extraArgs, CancellationToken ct) =>
        ServerProcess.StartAsync(Options.ServerBinary, Options.ServerEnvironment, StartTimeout, ct, [.. extraArgs, .. Options.ServerArguments]);

    /// <summary>A server with more flags and more environment (e.g. the runtime's GC settings).</summary>
    public Task<ServerProcess> StartServerAsync(IReadOnlyList<string> extraArgs, IReadOnlyDictionary<string, string> extraEnvironment, CancellationToken ct)
    {
        var environment = new Dictionary<string, string>(Options.ServerEnvironment);
        foreach (var (name, value) in extraEnvironment)
        {
            environment[name] = value;
        }
        return ServerProcess.StartAsync(Options.ServerBinary, environment, StartTimeout, ct, [.. extraArgs, .. Options.ServerArguments]);
    }

    /// <summary>A client connection to <paramref name="server"/>.</summary>
    public ApiClient Connect(ServerProcess server) => new(server.Kubeconfig, Http2);

    public KubectlRunner Kubectl(ServerProcess server) => new(Options.KubectlBinary, server.KubeconfigPath, server.DataDir);

    /// <summary>A progress line on stderr, stamped with the time since the run started.</summary>
    public void Log(string message) =>
        Console.Error.WriteLine($"[{Stopwatch.GetElapsedTime(_started).TotalSeconds,6:F1}s] {message}");
}
