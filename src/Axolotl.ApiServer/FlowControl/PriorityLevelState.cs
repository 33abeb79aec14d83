using Axolotl.Api.FlowControl;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>A priority level as the dispatcher holds it: its identity for headers and metrics, and (when Limited) its queue set, which outlives configuration changes.</summary>
public sealed class PriorityLevelState(string name, string uid, QueueSet? queues)
{
    public string Name { get; } = name;

    public string Uid { get; set; } = uid;

    /// <summary>Null for an Exempt level: its requests never wait.</summary>
    public QueueSet? Queues { get; set; } = queues;

    public bool IsExempt => Queues is null;

    /// <summary>Seats executing plus waiting, integrated for the borrowing adjustment (exempt levels count executing only).</summary>
    public SeatDemandIntegrator? Demand { get; set; }

    public SeatDemandStats DemandStats { get; } = new();

    /// <summary>Nominal, floor and ceiling from the configuration.</summary>
    public LevelLimits Limits { get; set; }

    /// <summary>
    /// The most seats one request may take here (upstream's max seats, 0 for a level without queues: the work
    /// estimator's own limits apply).
    /// </summary>
    public int MaxSeats { get; set; }

    /// <summary>The limit in force now: between <see cref="Limits"/>' floor and ceiling, moved by <see cref="SeatBorrowing"/>.</summary>
    public int CurrentLimit { get; set; }

    private int _exemptExecuting;

    /// <summary>An exempt request starts (+1) or ends (−1): exempt levels hold no seats, but their demand counts.</summary>
    public void ExemptExecuting(int delta) => Demand?.Set(Interlocked.Add(ref _exemptExecuting, delta));

    /// <summary>
    /// Upstream's cap on one request's seats in a queuing level: 15% of its nominal limit (10 for the default levels at
    /// 600 seats), or its nominal limit over its hand size if less, and at least 1. A wider request would leave most of
    /// a small level's seats idle while it waits for them all.
    /// </summary>
    public static int MaxSeatsOf(int nominal, QueuingConfiguration? queuing) => queuing is null
        ? 0
        : Math.Max(1, Math.Min((int)Math.Ceiling(nominal * 0.15), nominal / Math.Max(1, queuing.HandSize ?? 1)));

    public static QueuingConfiguration? QueuingOf(PriorityLevelConfiguration level) =>
        level.Spec?.Limited?.LimitResponse is { Type: LimitResponse.TypeQueue, Queuing: { } queuing } ? queuing : null;
}
