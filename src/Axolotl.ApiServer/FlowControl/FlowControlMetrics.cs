using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Upstream's flow control metrics under their names and labels: rejected requests by flow schema,
/// priority level and reason (queue-full, concurrency-limit, time-out, cancelled), requests executing and
/// waiting by flow schema and priority level, each level's nominal, lower, upper and current seats, and the fair
/// fraction of the last borrowing adjustment. The meter is this server's
/// own (its gauges read this instance): /metrics takes it by reference, so servers sharing a process (tests)
/// never see each other's, and it is disposed with the server.
/// </summary>
public sealed class FlowControlMetrics : IDisposable
{
    public const string MeterName = "Axolotl.ApiServer.FlowControl";

    private readonly Counter<long> _rejected;
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

    public void Executing(Classification c, int delta) => Interlocked.Add(ref Slot(c)[0], delta);

    public void Waiting(Classification c, int delta) => Interlocked.Add(ref Slot(c)[1], delta);

    private long[] Slot(Classification c) => _counts.GetOrAdd((c.FlowSchema, c.Level.Name), _ => new long[2]);

    private static IEnumerable<Measurement<long>> PerLevel(FlowControlConfigCache config, Func<PriorityLevelState, int> value) =>
        config.Current.Levels.Values.Select(l => new Measurement<long>(value(l), new KeyValuePair<string, object?>("priority_level", l.Name)));

    private IEnumerable<Measurement<long>> Observe(int index) => _counts.Select(p => new Measurement<long>(Interlocked.Read(ref p.Value[index]),
        new KeyValuePair<string, object?>("flow_schema", p.Key.FlowSchema), new KeyValuePair<string, object?>("priority_level", p.Key.PriorityLevel)));
}
