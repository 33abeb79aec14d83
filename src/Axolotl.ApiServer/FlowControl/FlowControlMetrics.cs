using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Upstream's flow control metrics under their names and labels: rejected requests by flow schema,
/// priority level and reason (queue-full, concurrency-limit, time-out, cancelled), requests executing and
/// waiting by flow schema and priority level and the seats they hold or ask for, the work estimate of each request in
/// seats, each level's nominal, lower, upper and current seats, and the fair
/// fraction of the last borrowing adjustment. The meter is this server's
/// own (its gauges read this instance): /metrics takes it by reference, so servers sharing a process (tests)
/// never see each other's, and it is disposed with the server.
/// </summary>
public sealed class FlowControlMetrics : IDisposable
{
    public const string MeterName = "Axolotl.ApiServer.FlowControl";

    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _estimatedSeats;
    private readonly ConcurrentDictionary<(string FlowSchema, string PriorityLevel), long[]> _counts = new();

    public FlowControlMetrics(FlowControlConfigCache config)
    {
        var meter = Meter = new Meter(MeterName);
        _rejected = meter.CreateCounter<long>("apiserver_flowcontrol_rejected_requests_total",
            description: "[BETA] Number of requests rejected by API Priority and Fairness subsystem");
        meter.CreateObservableGauge("apiserver_flowcontrol_current_executing_requests", () => Observe(0),
            description: "[BETA] Number of requests in initial (for a WATCH) or any (for a non-WATCH) execution stage in the API Priority and Fairness subsystem");
        meter.CreateObservableGauge("apiserver_flowcontrol_current_inqueue_requests", () => Observe(1),
            description: "[BETA] Number of requests currently pending in queues of the API Priority and Fairness subsystem");
        meter.CreateObservableGauge("apiserver_flowcontrol_current_executing_seats", () => Observe(2),
            description: "[BETA] Concurrency (number of seats) occupied by the currently executing (initial stage for a WATCH, any stage otherwise) requests in the API Priority and Fairness subsystem");
        meter.CreateObservableGauge("apiserver_flowcontrol_current_inqueue_seats", () => Observe(3),
            description: "[ALPHA] Number of seats currently pending in queues of the API Priority and Fairness subsystem");
        _estimatedSeats = meter.CreateHistogram<double>("apiserver_flowcontrol_work_estimated_seats", unit: null,
            description: "[ALPHA] Number of estimated seats (maximum of initial and final seats) associated with requests in API Priority and Fairness",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 100] });
        meter.CreateObservableGauge("apiserver_flowcontrol_nominal_limit_seats", () => PerLevel(config, l => l.Limits.Nominal),
            description: "[BETA] Nominal number of execution seats configured for each priority level");
        meter.CreateObservableGauge("apiserver_flowcontrol_lower_limit_seats", () => PerLevel(config, l => l.Limits.Min),
            description: "[ALPHA] Configured lower bound on number of execution seats available to each priority level");
        meter.CreateObservableGauge("apiserver_flowcontrol_upper_limit_seats", () => PerLevel(config, l => l.Limits.Max),
            description: "[ALPHA] Configured upper bound on number of execution seats available to each priority level");
        meter.CreateObservableGauge("apiserver_flowcontrol_current_limit_seats", () => PerLevel(config, l => l.CurrentLimit),
            description: "[ALPHA] current derived number of execution seats available to each priority level");
        meter.CreateObservableGauge("apiserver_flowcontrol_seat_fair_frac", () => config.FairProp,
            description: "[ALPHA] Fair fraction of server's concurrency to allocate to each priority level that can use it");
    }

    public Meter Meter { get; }

    public void Dispose() => Meter.Dispose();

    public void Rejected(Classification c, string reason) =>
        _rejected.Add(1, new("flow_schema", c.FlowSchema), new("priority_level", c.Level.Name), new("reason", reason));

    /// <summary>A request of the schema and level starts (+1) or ends (−1) executing, holding <paramref name="seats"/>.</summary>
    public void Executing(Classification c, int delta, int seats = 1)
    {
        var slot = Slot(c);
        Interlocked.Add(ref slot[0], delta);
        Interlocked.Add(ref slot[2], delta * seats);
    }

    /// <summary>A request starts (+1) or ends (−1) waiting in a queue for <paramref name="seats"/>.</summary>
    public void Waiting(Classification c, int delta, int seats = 1)
    {
        var slot = Slot(c);
        Interlocked.Add(ref slot[1], delta);
        Interlocked.Add(ref slot[3], delta * seats);
    }

    public void Estimated(Classification c, int seats) =>
        _estimatedSeats.Record(seats, new("priority_level", c.Level.Name), new("flow_schema", c.FlowSchema));

    // Requests executing, requests waiting, seats executing, seats waiting.
    private long[] Slot(Classification c) => _counts.GetOrAdd((c.FlowSchema, c.Level.Name), _ => new long[4]);

    private static IEnumerable<Measurement<long>> PerLevel(FlowControlConfigCache config, Func<PriorityLevelState, int> value) =>
        config.Current.Levels.Values.Select(l => new Measurement<long>(value(l), new KeyValuePair<string, object?>("priority_level", l.Name)));

    private IEnumerable<Measurement<long>> Observe(int index) => _counts.Select(p => new Measurement<long>(Interlocked.Read(ref p.Value[index]),
        new KeyValuePair<string, object?>("flow_schema", p.Key.FlowSchema), new KeyValuePair<string, object?>("priority_level", p.Key.PriorityLevel)));
}
