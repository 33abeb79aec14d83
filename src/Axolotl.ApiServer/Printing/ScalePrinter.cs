using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>autoscaling/v1 Scale: Name, Desired, Available, Age (upstream gives this Name column no "name" format).</summary>
internal sealed class ScalePrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        new("Name", "string", ColumnDocs.ObjectName),
        new("Desired", "integer", ColumnDocs.ScaleSpecReplicas),
        new("Available", "integer", ColumnDocs.ScaleStatusReplicas),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject scale, DateTimeOffset now) => Cells.Row(
        Cells.Text(PrintFormat.Name(scale)),
        Cells.Int(scale.Get("spec", "replicas").Number()),
        Cells.Int(scale.Get("status", "replicas").Number()),
        Cells.Text(PrintFormat.Age(scale, now)));
}
