using Axolotl.Runtime;

namespace Axolotl.Agent.Metrics;

/// <summary>
/// Counts and times every call the agent makes into its container runtime, as the kubelet's
/// instrumented CRI client does (kubelet_runtime_operations_*), with upstream's operation types:
/// run_podsandbox, remove_podsandbox, create_container (a standby: the next attempt made ahead of its
/// start), start_container, stop_container, exec_sync (a probe's command), exec, attach,
/// container_status (re-adopting a container after an agent restart) and container_stats. A call that
/// throws is an error, unless it was cancelled by the caller. Waiting for an exit is not an operation.
/// </summary>
public sealed class InstrumentedRuntime(IContainerRuntime inner, KubeletMetrics metrics, TimeProvider time) : IContainerRuntime
{
    public IContainerRuntime Inner => inner;

    /// <summary>The runtime underneath, whether or not it is instrumented (for type checks in composition).</summary>
    public static IContainerRuntime Unwrap(IContainerRuntime runtime) => runtime is InstrumentedRuntime i ? i.Inner : runtime;

    public string Mode => inner.Mode;

    public bool MountsVolumes => inner.MountsVolumes;

    public bool PreparesStandbys => inner.PreparesStandbys;

    public Task<PodSandbox> CreateSandboxAsync(PodSandboxSpec spec, CancellationToken ct) =>
        TimeAsync("run_podsandbox", () => inner.CreateSandboxAsync(spec, ct), ct);

    public Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken ct) =>
        TimeAsync("remove_podsandbox", async () =>
        {
            await inner.RemoveSandboxAsync(sandbox, ct);
            return true;
        }, ct);

    public Task<ContainerHandle> StartAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct) =>
        TimeAsync("start_container", () => inner.StartAsync(sandbox, spec, ct), ct);

    public Task PrepareStandbyAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct) =>
        inner.PreparesStandbys
            ? TimeAsync("create_container", async () =>
            {
                await inner.PrepareStandbyAsync(sandbox, spec, ct);
                return true;
            }, ct)
            : inner.PrepareStandbyAsync(sandbox, spec, ct);

    public void AbandonRestart(string podUid, string name) => inner.AbandonRestart(podUid, name);

    public Task<ContainerExit> WaitAsync(ContainerHandle handle, CancellationToken ct) => inner.WaitAsync(handle, ct);

    public Task StopAsync(ContainerHandle handle, TimeSpan grace, CancellationToken ct) =>
        TimeAsync("stop_container", async () =>
        {
            await inner.StopAsync(handle, grace, ct);
            return true;
        }, ct);

    public Task<ExecResult> ExecAsync(ContainerHandle handle, ExecSpec spec, CancellationToken ct) =>
        TimeAsync(spec.Prompt ? "exec_sync" : "exec", () => inner.ExecAsync(handle, spec, ct), ct);

    public Task AttachAsync(ContainerHandle handle, AttachSpec spec, CancellationToken ct) =>
        TimeAsync("attach", async () =>
        {
            await inner.AttachAsync(handle, spec, ct);
            return true;
        }, ct);

    public Task<ContainerHandle?> RecoverAsync(ContainerHandle persisted, CancellationToken ct) =>
        TimeAsync("container_status", () => inner.RecoverAsync(persisted, ct), ct);

    public Task<ContainerStats?> StatsAsync(ContainerHandle handle, CancellationToken ct) =>
        TimeAsync("container_stats", () => inner.StatsAsync(handle, ct), ct);

    private async Task<T> TimeAsync<T>(string operation, Func<Task<T>> call, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var failed = false;
        try
        {
            return await call();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            metrics.Operation(operation, time.GetElapsedTime(started), failed);
        }
    }
}
