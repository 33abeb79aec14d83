using System.Collections.Concurrent;
using Axolotl.Agent.Status;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>
/// Exit intake of one pod: waits for each started container's exit off the lane, queues it and
/// triggers the lane, which takes the queued exits at its next sync. Waits end with the pod's stop.
/// A container whose exit makes the pod not ready tells the node's proxy first (<paramref name="readiness"/>,
/// ADR 0003), without waiting for the lane: in the kernel proxy mode every SYN the table still sends to
/// the dead pod meanwhile is refused (issue 36).
/// </summary>
public sealed class ContainerExits(IContainerRuntime runtime, ILogger log, string podUid, Action<string> trigger, CancellationToken stopping,
    ReadinessReports? readiness = null)
{
    private readonly ConcurrentQueue<ContainerExitSeen> _exits = new();

    /// <summary>
    /// The node's held listening sockets (ADR 0030): an exit drains and closes the duplicates of the dead container's
    /// processes before the lane hears of it, so the lane's own restart (not at once) binds its port. An immediate restart's
    /// go waited for the same on the exit line's thread (the runtime's <c>ExitHeard</c>); this then finds nothing left.
    /// </summary>
    public IHeldListeners? HeldListeners { get; init; }

    /// <summary>Waits for <paramref name="handle"/>'s exit in the background.</summary>
    /// <param name="readinessIp">
    /// The pod's IP when this container's readiness is the pod's (an app container or a sidecar, not an init or
    /// ephemeral one): its exit is told as not ready before the lane hears of it. The lane's own report follows
    /// (it takes the exit only after this), so a later recovery is never overtaken by this one.
    /// </param>
    public void Watch(string name, ContainerHandle handle, string? readinessIp = null)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                var exit = await runtime.WaitAsync(handle, stopping);
                if (readinessIp is not null)
                {
                    readiness?.TellExited(podUid, readinessIp);
                }
                HeldListeners?.Exited(podUid);
                _exits.Enqueue(new ContainerExitSeen(name, handle, exit));
                trigger(podUid);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                log.LogError(ex, "waiting for container {Container} of pod {Uid} failed", name, podUid);
            }
        });
    }

    /// <summary>The exits seen since the lane last looked, oldest first.</summary>
    public IEnumerable<ContainerExitSeen> Take()
    {
        while (_exits.TryDequeue(out var seen))
        {
            yield return seen;
        }
    }
}

/// <summary>One container instance's exit as the runtime reported it.</summary>
public sealed record ContainerExitSeen(string Name, ContainerHandle Handle, ContainerExit Exit)
{
    /// <summary>The exit in pod-status terms, with the termination message <paramref name="messagePolicy"/> asks for.</summary>
    public ContainerTermination Termination(string? messagePolicy) => new(
        Exit.ExitCode, Exit.Signal, ContainerTermination.ReasonFor(Exit.ExitCode, Exit.OomKilled),
        TerminationMessage.Read(Handle.LogPath, messagePolicy, Exit.ExitCode), Handle.StartedAt, Exit.FinishedAt, Handle.Id);
}
