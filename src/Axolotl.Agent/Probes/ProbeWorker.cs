using Axolotl.Agent.Probes.Probers;
using Axolotl.Api.Core;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Probes;

/// <summary>
/// Runs one probe of one container instance on its schedule (<see cref="ProbeSchedule"/>), counts
/// results against the thresholds and publishes the ones that cross them. One async loop per probe:
/// a slow probe only delays its own next tick, never another probe's.
/// </summary>
internal sealed class ProbeWorker(
    ProbeKey key,
    Probe probe,
    ProbeTiming timing,
    ProbeTarget target,
    ContainerProbes container,
    ProbeManager manager)
{
    private readonly ProbeResultRun _run = new();

    public ProbeKey Key { get; } = key;

    public ProbeTiming Timing { get; } = timing;

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Starts the loop; <paramref name="firstTick"/> is the container's start plus the initial delay, on the manager's clock.</summary>
    public void Start(TimeSpan firstTick) => Completion = Task.Run(() => LoopAsync(firstTick, container.Stop.Token));

    private async Task LoopAsync(TimeSpan due, CancellationToken ct)
    {
        var warmUps = 0;
        TimeSpan? warmAt = null;
        var passedOnce = Key.Kind == ProbeKind.Liveness;
        try
        {
            while (!ct.IsCancellationRequested && !container.Stopped)
            {
                var regular = warmAt is not { } w || w >= due;
                var at = regular ? due : warmAt!.Value;
                var wait = at - manager.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, manager.Time, ct);
                }
                if (container.Stopped)
                {
                    return;
                }
                if (regular)
                {
                    due = ProbeSchedule.NextTick(due, manager.Elapsed, Timing.Period);
                }
                else
                {
                    warmAt = null;
                }
                if (!ShouldProbe())
                {
                    continue;
                }

                var result = await manager.RunProbeAsync(probe, target, Timing.Timeout, ct);
                var success = result.Outcome != ProbeOutcome.Failure;
                if (regular)
                {
                    manager.ReportOutcome(Key, target, result);
                }
                else if (!success)
                {
                    // A warm-up attempt: its failures neither count nor raise events; only an early pass matters.
                    warmAt = NextWarmUp(ref warmUps, due);
                    continue;
                }
                var published = _run.Observe(success, Timing.SuccessThreshold, Timing.FailureThreshold);
                if (success)
                {
                    passedOnce = true;
                    warmAt = null;
                }
                else if (!passedOnce)
                {
                    warmAt = NextWarmUp(ref warmUps, due);
                }
                if (published is { } value)
                {
                    manager.Publish(Key, container, value, target.PodIp);
                    if (!value && Key.Kind is ProbeKind.Liveness or ProbeKind.Startup)
                    {
                        // The container will be killed: probing stops; a new instance gets new workers.
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            manager.Log.LogError(ex, "probe worker {Kind} of {Pod}/{Container} failed", Key.Kind, Key.PodUid, Key.Container);
        }
    }

    /// <summary>Startup holds liveness and readiness back; a passed startup probe is not run again.</summary>
    private bool ShouldProbe() => Key.Kind switch
    {
        ProbeKind.Startup => !container.Started,
        _ => container.Started,
    };

    /// <summary>The next warm-up attempt before <paramref name="nextRegular"/>, for readiness and startup probes only.</summary>
    private TimeSpan? NextWarmUp(ref int attempts, TimeSpan nextRegular)
    {
        if (Key.Kind == ProbeKind.Liveness || ProbeSchedule.WarmUpDelay(attempts, Timing.Period) is not { } delay)
        {
            return null;
        }
        attempts++;
        var at = manager.Elapsed + delay;
        return at < nextRegular ? at : null;
    }
}
