using System.Diagnostics;

namespace Axolotl.Agent.Runtime;

/// <summary>A container this runtime instance watches: started here (Process set) or recovered (Process null).</summary>
internal sealed class TrackedContainer(ContainerState state, Process? process, Cgroups? cgroups)
{
    public ContainerState State { get; } = state;

    public Process? Process { get; } = process;

    public Cgroups? Cgroups { get; } = cgroups;

    /// <summary>Completes with the exit once the recorder has ended and the cgroups are cleaned up.</summary>
    public Task<ContainerExit> Exited { get; set; } = Task.FromException<ContainerExit>(new InvalidOperationException("not observed"));

    /// <summary>
    /// The exit code the native launcher reports ahead of its own exit ("exited N"), or null when it
    /// reports none (shell chain, launch failure, recovered container): then the process exit counts.
    /// </summary>
    public TaskCompletionSource<int?> ReportedExit { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Asked once the container has exited and its cgroups are gone, before anyone hears of the exit:
    /// true lets the runtime start the prepared next attempt at once (<see cref="ContainerSpec.RestartsAtOnce"/>).
    /// </summary>
    public Func<DateTimeOffset, ContainerExit, bool>? RestartsAtOnce { get; set; }

    /// <summary>True once the recorder (launcher or shell) has ended (before cleanup finished).</summary>
    public bool RecorderEnded { get; set; }
}
