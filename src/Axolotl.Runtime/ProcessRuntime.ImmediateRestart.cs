using System.Collections.Concurrent;
using System.Diagnostics;

namespace Axolotl.Runtime;

/// <summary>
/// Immediate restarts: when a container whose next attempt is prepared (a standby) exits and the
/// agent's own decision, asked then (<see cref="ContainerSpec.RestartsAtOnce"/>), is to restart it at
/// once, the standby is told to go right away, on the thread that read the launcher's exit line, before
/// the exit goes on to its observer and the pod's lane. The attempt runs in the exited one's cgroups
/// (empty by then, the same limits): nothing is removed or made between the exit and the go. The lane
/// then records the exit and decides as always, and its start of the same attempt takes the one already
/// running (<see cref="TakeRestartedAsync"/>); a start with another spec stops it first. So a crash is
/// answered in the time of the exit line and one line to the standby, not of a pass through the pod worker.
/// </summary>
public sealed partial class ProcessRuntime
{
    private readonly ConcurrentDictionary<(string PodUid, string Name), RestartedAttempt> _restarted = new();

    /// <summary>
    /// Told of each container's exit (pod UID, container name) on the thread that read its exit line, before anything
    /// else: before an immediate restart's go and before the exit reaches its observer. The node drains and closes
    /// the duplicates it held of the dead attempt's listening sockets here (ADR 0030), so the attempt that follows
    /// binds its port; the go waits for it, so it must return within a bound of its own. It must not throw (what it
    /// throws is dropped).
    /// </summary>
    public Action<string, string>? ExitHeard { get; set; }

    /// <summary>
    /// Reads the launcher's exit line and, on the thread that read it, restarts the container at once
    /// when the agent would (<see cref="RestartAtOnce"/>); only then does the exit go to its observer.
    /// </summary>
    private async Task ReportExitAsync(TrackedContainer tracked, Process launcher)
    {
        int? code = null;
        try
        {
            var line = await NativeLauncher.ReadExitAsync(launcher);
            code = line?.Code;
            StartTrace.Mark("agent-exit-line", tracked.State.LogPath);
            if (line is not null)
            {
                tracked.ExitedAt = Time.GetUtcNow();
                TellExitHeard(tracked);
                if (line.NextWent)
                {
                    AdoptWentAttempt(tracked, line.OomKills);
                }
                else
                {
                    RestartAtOnce(tracked, line.Code, tracked.ExitedAt.Value);
                }
            }
        }
        finally
        {
            tracked.ReportedExit.TrySetResult(code);
        }
    }

    private void TellExitHeard(TrackedContainer tracked)
    {
        if (ExitHeard is not { } heard)
        {
            return;
        }

        try
        {
            heard(tracked.State.PodUid, tracked.State.Name);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The exit and the restart go on: the node's hook answers for its own failures.
        }

        StartTrace.Mark("agent-exit-heard", tracked.State.LogPath);
    }

    /// <summary>Called with the exit line's code, before anyone else hears of the exit.</summary>
    private void RestartAtOnce(TrackedContainer tracked, int exitCode, DateTimeOffset finishedAt)
    {
        var key = (tracked.State.PodUid, tracked.State.Name);
        var signal = exitCode > 128 ? exitCode - 128 : (int?)null;
        if (tracked.RestartsAtOnce is not { } restartsAtOnce
            || tracked.Cgroups is not { } cgroups
            || !_standbys.TryGetValue(key, out var standby)
            || (standby.Ready.IsCompleted && !standby.Ready.Result)
            || !Allows(restartsAtOnce, tracked.State.StartedAt, new ContainerExit(exitCode, signal, false, finishedAt))
            // Everything of the attempt went with its PID 1 (its pid namespace); what a hostPID container
            // left behind is killed by the cleanup, so that attempt goes the lane's way.
            || cgroups.ReadPids().Count > 0
            || !tracked.ClaimExit()
            || !_standbys.TryRemove(new KeyValuePair<(string, string), ContainerStandby>(key, standby)))
        {
            return;
        }

        var oomCount = cgroups.ReadOomKillCount();
        tracked.OomCountAtExit = oomCount;
        tracked.CgroupsHandedOn = true;
        // Registered before anything is awaited: the lane's start of this attempt waits for it.
        _restarted[key] = new RestartedAttempt(standby.Spec, standby.Ready.IsCompletedSuccessfully && standby.Ready.Result && standby.Go()
            ? GoneAsync(tracked.State.PodUid, standby, cgroups, oomCount)
            : GoWhenReadyAsync(tracked.State.PodUid, standby, cgroups, oomCount));
    }

    private Task<ContainerHandle> GoneAsync(string podUid, ContainerStandby standby, Cgroups cgroups, long oomBaseline)
    {
        StartTrace.Mark("agent-go-sent", standby.Spec.LogPath);
        return FinishedAsync(podUid, standby, cgroups, oomBaseline);
    }

    private Task<ContainerHandle> FinishedAsync(string podUid, ContainerStandby standby, Cgroups cgroups, long oomBaseline) =>
        FinishStartAsync(podUid, standby.Spec, standby.Id, standby.ExitFile, standby.EnvironmentFile, standby.Process, cgroups, oomBaseline, CancellationToken.None);

    /// <summary>
    /// Lets a standby that is still setting up run as soon as it is ready (a container that crashed
    /// within milliseconds of its start finds it so): the go is written at once and waits in the
    /// launcher's stdin, which it reads right after its set-up, so the restart does not wait for the
    /// agent to hear "standby" and answer. A standby that never gets ready (its set-up ignores the go),
    /// or cannot hear it, gives way to a cold start (<see cref="StandbyUnavailableException"/>), in the
    /// same cgroups. <paramref name="went"/>: the exited attempt's launcher already let it go (armed); the
    /// go then only makes sure, and whether it lands does not matter (a launcher that went stops reading).
    /// </summary>
    private async Task<ContainerHandle> GoWhenReadyAsync(string podUid, ContainerStandby standby, Cgroups cgroups, long oomBaseline, bool went = false)
    {
        StartTrace.Mark(went ? "agent-adopt" : "agent-go-begin", standby.Spec.LogPath);
        var sent = await standby.GoEarlyAsync() || went;
        StartTrace.Mark("agent-go-sent", standby.Spec.LogPath);
        var ready = await ReadyInTimeAsync(standby);
        StartTrace.Mark("agent-standby-awaited", standby.Spec.LogPath);
        if (!ready || !sent)
        {
            if (sent)
            {
                // Its go waits in its stdin (or it went): a set-up slower than the timeout must not run after all.
                standby.Kill();
            }
            // Its pod is being removed, or its set-up failed: the lane's start goes the usual way.
            await standby.DiscardAsync(StandbyDiscardTimeout, Time);
            throw new StandbyUnavailableException();
        }

        return await FinishedAsync(podUid, standby, cgroups, oomBaseline);
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
