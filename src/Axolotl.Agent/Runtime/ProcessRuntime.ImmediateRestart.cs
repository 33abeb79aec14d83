using System.Collections.Concurrent;

namespace Axolotl.Agent.Runtime;

/// <summary>
/// Immediate restarts: when a container whose next attempt is prepared (a ready standby) exits and
/// the agent's own decision, asked then (<see cref="ContainerSpec.RestartsAtOnce"/>), is to restart
/// it at once, the standby is told to go right away, from the exit's observer, before the pod's lane
/// has heard of the exit. The lane then records the exit and decides as always, and its start of the
/// same attempt takes the one already running (<see cref="TakeRestartedAsync"/>); a start with another
/// spec stops it first. So a crash is answered in the time of the exit line, a cgroup's creation and
/// one line to the standby, not of a pass through the pod worker.
/// </summary>
public sealed partial class ProcessRuntime
{
    private readonly ConcurrentDictionary<(string PodUid, string Name), RestartedAttempt> _restarted = new();

    internal override void OnExited(TrackedContainer tracked, ContainerExit exit)
    {
        var key = (tracked.State.PodUid, tracked.State.Name);
        if (tracked.RestartsAtOnce is not { } restartsAtOnce
            || !_standbys.TryGetValue(key, out var standby)
            || (standby.Ready.IsCompleted && !standby.Ready.Result)
            || !Allows(restartsAtOnce, tracked.State.StartedAt, exit)
            || !_standbys.TryRemove(new KeyValuePair<(string, string), ContainerStandby>(key, standby)))
        {
            return;
        }

        // Registered before anything can be awaited: the lane's start of this attempt waits for it.
        _restarted[key] = new RestartedAttempt(standby.Spec, GoWhenReadyAsync(tracked.State.PodUid, standby));
    }

    /// <summary>
    /// Lets the standby run as soon as it is ready: at once for one that is (the usual case), else when
    /// it is (a container that crashed within milliseconds of its start finds its standby still setting
    /// up). A standby that never gets ready gives way to a cold start (<see cref="StandbyUnavailableException"/>).
    /// </summary>
    private async Task<ContainerHandle> GoWhenReadyAsync(string podUid, ContainerStandby standby)
    {
        bool ready;
        try
        {
            ready = await standby.Ready.WaitAsync(StandbyReadyTimeout, Time);
        }
        catch (TimeoutException)
        {
            ready = false;
        }

        var spec = standby.Spec;
        Cgroups? cgroups = null;
        if (ready)
        {
            try
            {
                // The exited attempt's cgroups were removed just now; the standby joins fresh ones on go.
                cgroups = Cgroups.Create($"{Options.CgroupRoot}/{podUid}/{spec.Name}", spec);
            }
            catch (IOException)
            {
                cgroups = null;
            }
        }

        var oomBaseline = cgroups?.ReadOomKillCount() ?? 0;
        if (cgroups is null || !standby.Go())
        {
            // Its pod is being removed, or its set-up failed: the lane's start goes the usual way.
            await standby.DiscardAsync(StandbyDiscardTimeout, Time);
            throw new StandbyUnavailableException();
        }

        return await FinishStartAsync(podUid, spec, standby.Id, standby.ExitFile, standby.Process, cgroups, oomBaseline, CancellationToken.None);
    }

    private static bool Allows(Func<DateTimeOffset, ContainerExit, bool> restartsAtOnce, DateTimeOffset startedAt, ContainerExit exit)
    {
        try
        {
            return restartsAtOnce(startedAt, exit);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The agent's decision could not be had here: it makes it on its lane as always.
            return false;
        }
    }

    /// <summary>
    /// The attempt this runtime already started for <paramref name="spec"/>'s container on its exit:
    /// its handle when it is the same launch (a failed launch throws as a start would); otherwise it
    /// is stopped and null returned, and the caller starts <paramref name="spec"/> afresh.
    /// </summary>
    private async Task<ContainerHandle?> TakeRestartedAsync(string podUid, ContainerSpec spec)
    {
        if (!_restarted.TryRemove((podUid, spec.Name), out var attempt))
        {
            return null;
        }

        if (ContainerStandby.SameLaunch(attempt.Spec, spec))
        {
            ContainerHandle handle;
            try
            {
                handle = await attempt.Handle;
            }
            catch (StandbyUnavailableException)
            {
                return null;
            }

            if (TrackedOf(handle.Id) is { } tracked)
            {
                // Started before the lane's start: the decision for this attempt's own exit comes now.
                tracked.RestartsAtOnce = spec.RestartsAtOnce;
            }

            return handle;
        }

        await StopRestartedAsync(attempt);
        return null;
    }

    public override void AbandonRestart(string podUid, string name)
    {
        if (_restarted.TryRemove((podUid, name), out var attempt))
        {
            _ = StopRestartedAsync(attempt);
        }
    }

    /// <summary>Waits for immediate restarts of the pod still starting and drops them (its containers are removed next).</summary>
    private async Task SettleRestartedAsync(string podUid)
    {
        foreach (var key in _restarted.Keys.Where(k => k.PodUid == podUid).ToList())
        {
            if (_restarted.TryRemove(key, out var attempt))
            {
                await StopRestartedAsync(attempt);
            }
        }
    }

    private async Task StopRestartedAsync(RestartedAttempt attempt)
    {
        try
        {
            var handle = await attempt.Handle;
            await StopAsync(handle, TimeSpan.Zero, CancellationToken.None);
            Forget(handle.Id);
        }
        catch (Exception e) when (e is ContainerStartException or StandbyUnavailableException)
        {
            // It never ran: nothing to stop.
        }
    }

    private sealed record RestartedAttempt(ContainerSpec Spec, Task<ContainerHandle> Handle);

    /// <summary>The standby could not be told to go: the attempt starts cold.</summary>
    private sealed class StandbyUnavailableException : Exception;
}
