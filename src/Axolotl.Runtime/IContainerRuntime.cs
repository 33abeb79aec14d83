namespace Axolotl.Runtime;

/// <summary>
/// Runs containers as processes, shaped like a CRI/Nomad driver: a pod sandbox (network namespace,
/// address, /etc/hosts) holds containers; start gives a handle, wait gives the exit, stop sends a
/// signal and kills after a grace period, recover re-attaches to a handle persisted before an agent
/// restart. Implementations: the Linux process runtime (root: cgroups + namespaces; otherwise plain
/// processes, announced), and a fake runtime for tests and scale benchmarks.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>What this runtime isolates with, and why, for the agent's start-up line.</summary>
    string Mode { get; }

    /// <summary>Whether <see cref="ContainerSpec.Mounts"/> are bound into containers (they need a mount namespace of their own).</summary>
    bool MountsVolumes { get; }

    Task<PodSandbox> CreateSandboxAsync(PodSandboxSpec spec, CancellationToken ct);

    /// <summary>Removes the sandbox; its containers must have stopped. Idempotent.</summary>
    Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken ct);

    /// <summary>Starts the container's process. Throws <see cref="ContainerStartException"/> when it cannot start (StartError).</summary>
    Task<ContainerHandle> StartAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct);

    /// <summary>
    /// Prepares the next attempt of a container that may restart (<paramref name="spec"/> is that
    /// attempt's), so that its <see cref="StartAsync"/> with the same spec is quicker. A runtime without
    /// such a path does nothing; a start with another spec just starts as usual.
    /// </summary>
    Task PrepareStandbyAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// The agent will not start the container now after all (a pull or configuration error, a back-off):
    /// an attempt the runtime started at its exit (<see cref="ContainerSpec.RestartsAtOnce"/>) is stopped.
    /// </summary>
    void AbandonRestart(string podUid, string name)
    {
    }

    /// <summary>Whether a start prepares <see cref="ContainerSpec.NextAttempt"/> (else the agent need not build it).</summary>
    bool PreparesStandbys => false;

    /// <summary>Completes when the container's process has exited (also for a recovered handle).</summary>
    Task<ContainerExit> WaitAsync(ContainerHandle handle, CancellationToken ct);

    /// <summary>SIGTERM, then after <paramref name="grace"/> kill everything in the container. Returns once it is gone.</summary>
    Task StopAsync(ContainerHandle handle, TimeSpan grace, CancellationToken ct);

    /// <summary>Runs a command inside the container's namespaces and cgroup.</summary>
    Task<ExecResult> ExecAsync(ContainerHandle handle, ExecSpec spec, CancellationToken ct);

    /// <summary>
    /// Connects to the container's own process (pods/attach): its stdin, output and terminal. Returns
    /// when the session ends. Throws <see cref="NotSupportedException"/> when this runtime cannot, and
    /// <see cref="InvalidOperationException"/> when the container does not run.
    /// </summary>
    Task AttachAsync(ContainerHandle handle, AttachSpec spec, CancellationToken ct) =>
        throw new NotSupportedException("attach is not supported by this node's container runtime");

    /// <summary>Re-attaches to a container started by an earlier agent process; null when it is gone.</summary>
    Task<ContainerHandle?> RecoverAsync(ContainerHandle persisted, CancellationToken ct);

    /// <summary>Resource usage (memory working set, CPU time, throttling), when the runtime can measure it.</summary>
    Task<ContainerStats?> StatsAsync(ContainerHandle handle, CancellationToken ct);
}
