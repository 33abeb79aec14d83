using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>ReplicationControllers: Name, Desired, Current, Ready, Age | Containers, Images, Selector.</summary>
internal sealed class ReplicationControllerPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Desired", "integer", ColumnDocs.ReplicationControllerSpecReplicas),
        new("Current", "integer", ColumnDocs.ReplicationControllerStatusReplicas),
        new("Ready", "integer", ColumnDocs.ReplicationControllerReadyReplicas),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
        new("Selector", "string", ColumnDocs.ReplicationControllerSelector, Priority: 1),
    ];

    public PrintedRow Print(JsonObject rc, DateTimeOffset now)
    {
        var spec = rc.Get("spec");
        var (names, images) = PrintFormat.ContainerCells(spec.Get("template", "spec"));
        return Cells.Row(
            Cells.Text(PrintFormat.Name(rc)),
            // spec.replicas defaults to 1.
            Cells.Int(spec.Get("replicas").AsLong() ?? 1),
            Cells.Int(rc.Get("status", "replicas").Number()),
            Cells.Int(rc.Get("status", "readyReplicas").Number()),
            Cells.Text(PrintFormat.Age(rc, now)),
            Cells.Text(names),
            Cells.Text(images),
            Cells.Text(PrintFormat.Labels(spec.Get("selector"))));
    }
}
