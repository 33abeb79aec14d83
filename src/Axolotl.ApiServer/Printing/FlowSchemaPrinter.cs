using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// FlowSchemas as upstream prints them: Name, PriorityLevel, MatchingPrecedence, DistinguisherMethod
/// ("&lt;none&gt;" without one), Age, MissingPL (the Dangling condition's status, "?" before one is written).
/// </summary>
internal sealed class FlowSchemaPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("PriorityLevel", "string", "`name` is the name of the priority level configuration being referenced Required."),
        new("MatchingPrecedence", "string", "`matchingPrecedence` is used to choose among the FlowSchemas that match a given request. The chosen FlowSchema is among those with the numerically lowest (which we take to be logically highest) MatchingPrecedence."),
        new("DistinguisherMethod", "string", "`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema. `nil` specifies that the distinguisher is disabled and thus will always be the empty string."),
        CommonColumns.Age,
        new("MissingPL", "string", "references a broken or non-existent PriorityLevelConfiguration"),
    ];

    public PrintedRow Print(JsonObject schema, DateTimeOffset now)
    {
        var dangling = schema.Get("status", "conditions").Items().FirstOrDefault(c => c.Get("type").Text() == "Dangling");
        return Cells.Row(
            Cells.Text(PrintFormat.Name(schema)),
            Cells.Text(schema.Get("spec", "priorityLevelConfiguration", "name").Text()),
            Cells.Int(schema.Get("spec", "matchingPrecedence").Number()),
            Cells.Text(schema.Get("spec", "distinguisherMethod", "type").AsString() ?? "<none>"),
            Cells.Text(PrintFormat.Age(schema, now)),
            Cells.Text(dangling is null ? "?" : dangling.Get("status").Text()));
    }
}
