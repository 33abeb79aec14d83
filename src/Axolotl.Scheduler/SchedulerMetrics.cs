using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Axolotl.Scheduler.Queue;

namespace Axolotl.Scheduler;

/// <summary>
/// kube-scheduler's metrics under upstream's names: scheduler_schedule_attempts_total{result,profile}
/// and scheduler_scheduling_attempt_duration_seconds{result,profile} (results scheduled, unschedulable,
/// error; upstream's exponential buckets from 1 ms), and scheduler_pending_pods{queue} read at scrape
/// time from the scheduling queues that are running.
/// </summary>
internal static class SchedulerMetrics
{
    public const string MeterName = "Axolotl.Scheduler";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("scheduler_schedule_attempts_total",
        description: "[STABLE] Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.");
    private static readonly Histogram<double> AttemptDuration = Meter.CreateHistogram<double>("scheduler_scheduling_attempt_duration_seconds", "s",
        "[STABLE] Scheduling attempt latency in seconds (scheduling algorithm + binding)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [.. Enumerable.Range(0, 15).Select(i => 0.001 * Math.Pow(2, i))] });
    private static readonly ConcurrentDictionary<SchedulingQueue, byte> Queues = new();

    static SchedulerMetrics()
    {
        Meter.CreateObservableGauge("scheduler_pending_pods", () =>
        {
            long active = 0, backoff = 0, unschedulable = 0;
            foreach (var queue in Queues.Keys)
            {
                active += queue.ActiveCount;
                backoff += queue.BackoffCount;
                unschedulable += queue.UnschedulableCount;
            }
            return new[]
            {
                new Measurement<long>(active, new KeyValuePair<string, object?>("queue", "active")),
                new Measurement<long>(backoff, new KeyValuePair<string, object?>("queue", "backoff")),
                new Measurement<long>(unschedulable, new KeyValuePair<string, object?>("queue", "unschedulable")),
            };
        }, description: "[STABLE] Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods that the scheduler attempted to schedule and failed.");
    }

    public static void Track(SchedulingQueue queue) => Queues[queue] = 0;

    public static void Untrack(SchedulingQueue queue) => Queues.TryRemove(queue, out _);

    public static void Attempt(string result, string profile, TimeSpan took)
    {
        var tags = new TagList { { "result", result }, { "profile", profile } };
        Attempts.Add(1, tags);
        AttemptDuration.Record(took.TotalSeconds, tags);
    }
}
