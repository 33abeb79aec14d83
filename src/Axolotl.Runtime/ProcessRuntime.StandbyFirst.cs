namespace Axolotl.Runtime;

/// <summary>
/// A cold start waits for its next attempt (ADR 0002, addendum "the first start waits for its standby"):
/// a container that crashes within milliseconds of its first start used to exit before the standby
/// launched just ahead of it was set up, and its restart waited for that set-up (the first restart's p99).
/// When the agent would restart the container at once, the standby gets <c>--ready-to FIFO</c> and the cold
/// start <c>--wait-standby FIFO</c>: the cold start's command execs once the standby's command wrote its
/// byte there, or the standby failed (its end closed), or <see cref="ProcessRuntimeOptions.StandbyWait"/>
/// passed (a standby that late is most likely failing, and the first start should not pay more for a
/// restart that may never be needed). The start waits only for what the standby's set-up has left once
/// the container's own is done.
/// </summary>
public sealed partial class ProcessRuntime
{
    /// <summary>The container's FIFO between a cold start and its standby; made per cold start, gone once it runs.</summary>
    internal string StandbyReadyFifoFor(string podUid, string name) =>
        Path.Combine(Options.StateDirectory, "pods", podUid, "containers", name + ".standby-ready");

    /// <summary>A new FIFO for the standby a cold start launches first; null when it cannot be made (then nothing waits).</summary>
    private string? MakeStandbyReadyFifo(string podUid, string name)
    {
        var fifo = StandbyReadyFifoFor(podUid, name);
        Directory.CreateDirectory(Path.GetDirectoryName(fifo)!);
        return Fifo.CreateReplacing(fifo) ? fifo : null;
    }

    /// <summary>
    /// Removes the FIFO once the cold start's launcher has opened it (it runs, or failed): both ends are
    /// held by the processes that use them, and a later cold start makes its own.
    /// </summary>
    private static void RemoveStandbyReadyFifo(string? fifo)
    {
        if (fifo is null)
        {
            return;
        }

        try
        {
            File.Delete(fifo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The pod's directory is gone with it.
        }
    }
}
