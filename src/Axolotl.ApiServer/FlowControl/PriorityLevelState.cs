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

    public static QueuingConfiguration? QueuingOf(PriorityLevelConfiguration level) =>
        level.Spec?.Limited?.LimitResponse is { Type: LimitResponse.TypeQueue, Queuing: { } queuing } ? queuing : null;
}
