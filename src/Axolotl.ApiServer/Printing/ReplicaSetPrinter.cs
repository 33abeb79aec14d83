using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>ReplicaSets: Name, Desired, Current, Ready, Age | Containers, Images, Selector.</summary>
internal sealed class ReplicaSetPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Desired", "integer", ColumnDocs.ReplicaSetSpecReplicas),
        new("Current", "integer", ColumnDocs.ReplicaSetStatusReplicas),
        new("Ready", "integer", ColumnDocs.ReplicaSetReadyReplicas),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
        new("Selector", "string", ColumnDocs.ReplicaSetSelector, Priority: 1),
    ];

    public PrintedRow Print(JsonObject rs, DateTimeOffset now)
    {
        var spec = rs.Get("spec");
        var (names, images) = PrintFormat.ContainerCells(spec.Get("template", "spec"));
        return Cells.Row(
            Cells.Text(PrintFormat.Name(rs)),
            Cells.Int(spec.Get("replicas").AsLong() ?? 1),
            Cells.Int(rs.Get("status", "replicas").Number()),
            Cells.Int(rs.Get("status", "readyReplicas").Number()),
            Cells.Text(PrintFormat.Age(rs, now)),
            Cells.Text(names),
            Cells.Text(images),
            Cells.Text(PrintFormat.LabelSelector(spec.Get("selector"))));
    }
}
