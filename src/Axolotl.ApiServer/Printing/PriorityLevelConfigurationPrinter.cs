using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// PriorityLevelConfigurations as upstream prints them: Name, Type, NominalConcurrencyShares, Queues,
/// HandSize, QueueLengthLimit, Age; "&lt;none&gt;" where the level has no such setting (Exempt, Reject).
/// </summary>
internal sealed class PriorityLevelConfigurationPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Type", "string", "`type` indicates whether this priority level is subject to limitation on request execution.  A value of `\"Exempt\"` means that requests of this priority level are not subject to a limit (and thus are never queued) and do not detract from the capacity made available to other priority levels.  A value of `\"Limited\"` means that (a) requests of this priority level _are_ subject to limits and (b) some of the server's limited capacity is made available exclusively to this priority level. Required."),
        new("NominalConcurrencyShares", "string", "`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level."),
        new("Queues", "string", "`queues` is the number of queues for this priority level."),
        new("HandSize", "string", "`handSize` is a small positive number that configures the shuffle sharding of requests into queues."),
        new("QueueLengthLimit", "string", "`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time; excess requests are rejected."),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject level, DateTimeOffset now)
    {
        var limited = level.Get("spec", "limited");
        var queuing = limited.Get("limitResponse", "queuing");
        return Cells.Row(
            Cells.Text(PrintFormat.Name(level)),
            Cells.Text(level.Get("spec", "type").Text()),
            limited is null ? Cells.Text("<none>") : Cells.Int(limited.Get("nominalConcurrencyShares").Number()),
            queuing is null ? Cells.Text("<none>") : Cells.Int(queuing.Get("queues").Number()),
            queuing is null ? Cells.Text("<none>") : Cells.Int(queuing.Get("handSize").Number()),
            queuing is null ? Cells.Text("<none>") : Cells.Int(queuing.Get("queueLengthLimit").Number()),
            Cells.Text(PrintFormat.Age(level, now)));
    }
}
