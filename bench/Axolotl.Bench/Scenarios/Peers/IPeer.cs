namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// A process supervisor the benchmark compares Axolotl with. Each run is a private instance (own
/// config, socket, state and log dir under <c>directory</c>), stopped by PID and removed by the
/// <see cref="PeerInstance"/> it returns.
/// </summary>
internal interface IPeer
{
    string Name { get; }

    /// <summary>How the crashing workload is configured to restart, next to the tool's defaults, for the report.</summary>
    string RestartSetting { get; }

    /// <summary>What the memory figure counts for this tool, for the report.</summary>
    string MemoryCounted { get; }

    /// <summary>A private instance that runs <paramref name="loop"/>'s script, restarting it as soon as it allows.</summary>
    Task<PeerInstance> StartCrashLoopAsync(CrashLoop loop, string directory, CancellationToken ct);

    /// <summary>A private instance managing no process yet.</summary>
    Task<PeerInstance> StartIdleAsync(string directory, CancellationToken ct);

    /// <summary>Makes the idle <paramref name="instance"/> run <paramref name="count"/> `sleep 3600` processes (returns once asked; the caller waits for them).</summary>
    Task AddSleepersAsync(PeerInstance instance, int count, CancellationToken ct);
}
