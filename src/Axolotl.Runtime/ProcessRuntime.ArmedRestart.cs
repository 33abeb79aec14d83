namespace Axolotl.Runtime;

/// <summary>
/// Armed restarts (<see cref="ArmedRestart"/>, ADR 0002): a container's first restart goes from its own
/// launcher to its standby's PID 1 through a FIFO, with no hop through the agent. Each launcher of an
/// eligible container gets --next FIFO (a path per container); a standby prepared while the agent would
/// restart at once gets --armed FIFO, a new FIFO put at that path. The agent disarms by removing the
/// path before it stops a container itself or drops a standby, so a launcher that exits then finds
/// nothing to write to. A launcher that did write says so in its exit line ("next"); the agent then adopts
/// the standby as the attempt already started, and still says go, which a standby that went ignores and
/// one that missed the byte (an older reader of the FIFO took it) obeys: the byte only makes it sooner.
/// A pod whose listening socket the node may hold (ADR 0030) is disarmed for good (<see cref="Disarm(string)"/>):
/// a launcher's byte would start the replacement before the agent has drained and closed its duplicate.
/// </summary>
public sealed partial class ProcessRuntime
{
    // Arm and Disarm(pod) take it, so a FIFO is never made after its pod was disarmed for good.
    private readonly Lock _arming = new();
    private readonly HashSet<string> _neverArmed = [];

    /// <summary>The container's FIFO: one path for all its attempts; a standby armed later replaces it.</summary>
    private string NextFifoFor(string podUid, string name) =>
        Path.Combine(Options.StateDirectory, "pods", podUid, "containers", name + ".next");

    /// <summary>
    /// Only a container in a pid namespace of its own: its PID 1's exit then leaves no process in its
    /// cgroups for the next attempt to share them with.
    /// </summary>
    private bool CanArm(string podUid, ContainerSpec spec, ArmedRestart? arms) =>
        arms is not null && _tools.Launcher is not null && spec.PidNamespaceOf is null && spec.Security?.HostPid != true && !IsDisarmed(podUid);

    /// <summary>Makes the FIFO a standby prepared now (while the agent would restart at once) opens; null when it cannot be armed or made.</summary>
    private string? Arm(string podUid, ContainerSpec next, ArmedRestart? arms)
    {
        lock (_arming)
        {
            if (!CanArm(podUid, next, arms))
            {
                return null;
            }

            var fifo = NextFifoFor(podUid, next.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(fifo)!);
            return Fifo.CreateReplacing(fifo) ? fifo : null;
        }
    }

    /// <summary>
    /// No container of the pod is armed from now on (until the pod is removed), and each FIFO it has is removed: no
    /// launcher's exit starts a standby by itself, so every restart waits for the agent's go (<see cref="RestartAtOnce"/>,
    /// after <see cref="ExitHeard"/>). The node calls it before it first holds a duplicate of the pod's listening socket
    /// (ADR 0030): with the duplicate open, a replacement started by the byte would find its port taken.
    /// </summary>
    public void Disarm(string podUid)
    {
        lock (_arming)
        {
            if (!_neverArmed.Add(podUid))
            {
                // Nothing was armed since the first call.
                return;
            }

            try
            {
                foreach (var fifo in Directory.EnumerateFiles(Path.Combine(Options.StateDirectory, "pods", podUid, "containers"), "*.next"))
                {
                    File.Delete(fifo);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // No directory: nothing of the pod was ever armed.
            }
        }
    }

    /// <summary>Whether <see cref="Disarm(string)"/> was called for the pod (and it was not removed since).</summary>
    public bool IsDisarmed(string podUid)
    {
        lock (_arming)
        {
            return _neverArmed.Contains(podUid);
        }
    }

    private void ForgetDisarmed(string podUid)
    {
        lock (_arming)
        {
            _neverArmed.Remove(podUid);
        }
    }

    /// <summary>No launcher's exit starts the container's standby by itself from now on.</summary>
    private void Disarm(string podUid, string name)
    {
        try
        {
            File.Delete(NextFifoFor(podUid, name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory is gone with its pod: nothing is armed.
        }
    }

    private static bool Allows(Func<bool> now)
    {
        try
        {
            return now();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not known: the agent says go itself.
            return false;
        }
    }

    /// <summary>
    /// The launcher let the standby go (its line said "next"): the standby becomes the attempt started at
    /// this exit, in this attempt's cgroups, as <see cref="RestartAtOnce"/> makes it. A standby already
    /// dropped ends with what went (its launcher kills its PID 1), and the exit is the lane's as always.
    /// </summary>
    private void AdoptWentAttempt(TrackedContainer tracked, long oomKills)
    {
        var key = (tracked.State.PodUid, tracked.State.Name);
        if (tracked.Cgroups is not { } cgroups
            || !_standbys.TryGetValue(key, out var standby)
            || !tracked.ClaimExit()
            || !_standbys.TryRemove(new KeyValuePair<(string, string), ContainerStandby>(key, standby)))
        {
            return;
        }

        // Read by the launcher before the byte: the new attempt's OOM kills count from there.
        var oomCount = oomKills >= 0 ? oomKills : cgroups.ReadOomKillCount();
        tracked.OomCountAtExit = oomCount;
        tracked.CgroupsHandedOn = true;
        _restarted[key] = new RestartedAttempt(standby.Spec, GoWhenReadyAsync(tracked.State.PodUid, standby, cgroups, oomCount, went: true));
    }
}
