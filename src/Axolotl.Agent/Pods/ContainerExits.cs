using System.Collections.Concurrent;
using Axolotl.Agent.Status;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>
/// Exit intake of one pod: waits for each started container's exit off the lane, queues it and
/// triggers the lane, which takes the queued exits at its next sync. Waits end with the pod's stop.
/// </summary>
public sealed class ContainerExits(IContainerRuntime runtime, ILogger log, string podUid, Action<string> trigger, CancellationToken stopping)
{
    private readonly ConcurrentQueue<ContainerExitSeen> _exits = new();

    /// <summary>Waits for <paramref name="handle"/>'s exit in the background.</summary>
    public void Watch(string name, ContainerHandle handle)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                var exit = await runtime.WaitAsync(handle, stopping);
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
