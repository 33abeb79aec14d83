using System.Globalization;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>StatefulSets: Name, Ready (ready/desired), Age | Containers, Images.</summary>
internal sealed class StatefulSetPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Ready", "string", "Number of the pod with ready state"),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
    ];

    public PrintedRow Print(JsonObject sts, DateTimeOffset now)
    {
        var spec = sts.Get("spec");
        var status = sts.Get("status");
        var (names, images) = PrintFormat.ContainerCells(spec.Get("template", "spec"));
        var desired = spec.Get("replicas").AsLong() ?? 1;
        var ready = status.Get("readyReplicas").Number();
        return Cells.Row(
            Cells.Text(PrintFormat.Name(sts)),
            Cells.Text(string.Create(CultureInfo.InvariantCulture, $"{ready}/{desired}")),
            Cells.Text(PrintFormat.Age(sts, now)),
            Cells.Text(names),
            Cells.Text(images));
    }
}
