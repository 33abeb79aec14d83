using System.Diagnostics;

namespace Axolotl.Runtime;

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

    /// <summary>When the launcher's exit line was read: the exit's FinishedAt, as the immediate restart decided with it.</summary>
    public DateTimeOffset? ExitedAt { get; set; }

    /// <summary>
    /// Set when an immediate restart took the exit from its line: the next attempt runs in this
    /// attempt's cgroups (empty then, same limits), so cleanup leaves them, and OOM kills are judged by
    /// the counter read at the exit (<see cref="OomCountAtExit"/>).
    /// </summary>
    public bool CgroupsHandedOn { get; set; }

    public long OomCountAtExit { get; set; }

    /// <summary>Set once a reader of the launcher's exit line runs: it completes <see cref="ReportedExit"/> whatever happens.</summary>
    public bool ReadsExitLine
    {
        get => _readsExitLine;
        set => _readsExitLine = value;
    }

    private volatile bool _readsExitLine;

    private int _exitClaim;

    /// <summary>
    /// Whoever handles the exit first: the exit line's reader (which may restart at once) or the
    /// observer that saw the launcher end before the line was read. False for the second.
    /// </summary>
    public bool ClaimExit() => Interlocked.CompareExchange(ref _exitClaim, 1, 0) == 0;
}
