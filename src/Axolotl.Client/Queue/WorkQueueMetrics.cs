using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Axolotl.Client.Queue;

/// <summary>
/// client-go's workqueue metrics for one named queue, under upstream's names and the label "name":
/// workqueue_adds_total, workqueue_depth, workqueue_queue_duration_seconds, workqueue_work_duration_seconds,
/// workqueue_retries_total, workqueue_unfinished_work_seconds and workqueue_longest_running_processor_seconds.
/// The queue calls it under its own lock, so its dictionaries need no lock of their own for writes; the
/// gauges are read at scrape time from the queues alive then.
/// </summary>
public sealed class WorkQueueMetrics
{
    public const string MeterName = "Axolotl.Workqueue";

    private static readonly double[] Buckets = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Adds = Meter.CreateCounter<long>("workqueue_adds_total", description: "Total number of adds handled by workqueue");
    private static readonly Counter<long> Retries = Meter.CreateCounter<long>("workqueue_retries_total", description: "Total number of retries handled by workqueue");
    private static readonly Histogram<double> QueueDuration = Meter.CreateHistogram<double>("workqueue_queue_duration_seconds", "s",
        "How long in seconds an item stays in workqueue before being requested.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
    private static readonly Histogram<double> WorkDuration = Meter.CreateHistogram<double>("workqueue_work_duration_seconds", "s",
        "How long in seconds processing an item from workqueue takes.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
    private static readonly ConcurrentDictionary<WorkQueueMetrics, byte> Live = new();

    private readonly string _name;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<object, long> _queuedAt = new();
    private readonly ConcurrentDictionary<object, long> _startedAt = new();
    private long _depth;

    static WorkQueueMetrics()
    {
        Meter.CreateObservableGauge("workqueue_depth", () => Live.Keys.Select(q => new Measurement<long>(Interlocked.Read(ref q._depth), q.Tag)),
            description: "Current depth of workqueue");
        Meter.CreateObservableGauge("workqueue_unfinished_work_seconds", () => Live.Keys.Select(q => new Measurement<double>(q.Running().Sum(), q.Tag)),
            description: "How many seconds of work has done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.");
        Meter.CreateObservableGauge("workqueue_longest_running_processor_seconds", () => Live.Keys.Select(q => new Measurement<double>(q.Running().DefaultIfEmpty(0).Max(), q.Tag)),
            description: "How many seconds has the longest running processor for workqueue been running.");
    }

    public WorkQueueMetrics(string name, TimeProvider time)
    {
        _name = name;
        _time = time;
        Live[this] = 0;
    }

    private KeyValuePair<string, object?> Tag => new("name", _name);

    internal void Queued(object item)
    {
        Adds.Add(1, Tag);
        Interlocked.Increment(ref _depth);
        _queuedAt.TryAdd(item, _time.GetTimestamp());
    }

    /// <summary>Handed to a worker: straight from an add (never queued) or out of the queue.</summary>
    internal void Started(object item, bool fromQueue)
    {
        var now = _time.GetTimestamp();
        if (fromQueue)
        {
            Interlocked.Decrement(ref _depth);
        }
        else
        {
            Adds.Add(1, Tag);
        }
        QueueDuration.Record(_queuedAt.TryRemove(item, out var queued) ? _time.GetElapsedTime(queued, now).TotalSeconds : 0, Tag);
        _startedAt[item] = now;
    }

    internal void Done(object item)
    {
        if (_startedAt.TryRemove(item, out var started))
        {
            WorkDuration.Record(_time.GetElapsedTime(started).TotalSeconds, Tag);
        }
    }

    internal void Retried() => Retries.Add(1, Tag);

    internal void ShutDown() => Live.TryRemove(this, out _);

    private IEnumerable<double> Running()
    {
        var now = _time.GetTimestamp();
        return _startedAt.Values.Select(s => _time.GetElapsedTime(s, now).TotalSeconds).ToList();
    }
}
