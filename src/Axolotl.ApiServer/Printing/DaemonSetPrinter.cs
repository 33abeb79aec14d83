using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// DaemonSets: Name, Desired, Current, Ready, Up-to-date, Available, Node Selector, Age | Containers, Images, Selector.
/// </summary>
internal sealed class DaemonSetPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Desired", "integer", ColumnDocs.DaemonSetDesiredNumberScheduled),
        new("Current", "integer", ColumnDocs.DaemonSetCurrentNumberScheduled),
        new("Ready", "integer", ColumnDocs.DaemonSetNumberReady),
        new("Up-to-date", "integer", ColumnDocs.DaemonSetUpdatedNumberScheduled),
        new("Available", "integer", ColumnDocs.DaemonSetNumberAvailable),
        new("Node Selector", "string", ColumnDocs.PodNodeSelector),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
        new("Selector", "string", ColumnDocs.DaemonSetSelector, Priority: 1),
    ];

    public PrintedRow Print(JsonObject ds, DateTimeOffset now)
    {
        var spec = ds.Get("spec");
        var status = ds.Get("status");
        var podSpec = spec.Get("template", "spec");
        var (names, images) = PrintFormat.ContainerCells(podSpec);
        return Cells.Row(
            Cells.Text(PrintFormat.Name(ds)),
            Cells.Int(status.Get("desiredNumberScheduled").Number()),
            Cells.Int(status.Get("currentNumberScheduled").Number()),
            Cells.Int(status.Get("numberReady").Number()),
            Cells.Int(status.Get("updatedNumberScheduled").Number()),
            Cells.Int(status.Get("numberAvailable").Number()),
            Cells.Text(PrintFormat.Labels(podSpec.Get("nodeSelector"))),
            Cells.Text(PrintFormat.Age(ds, now)),
            Cells.Text(names),
            Cells.Text(images),
            Cells.Text(PrintFormat.LabelSelector(spec.Get("selector"))));
    }
}
