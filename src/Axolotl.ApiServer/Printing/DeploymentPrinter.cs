using System.Globalization;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>Deployments: Name, Ready ("ready/desired"), Up-to-date, Available, Age | Containers, Images, Selector.</summary>
internal sealed class DeploymentPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Ready", "string", "Number of the pod with ready state"),
        new("Up-to-date", "string", ColumnDocs.DeploymentUpdatedReplicas),
        new("Available", "string", ColumnDocs.DeploymentAvailableReplicas),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
        new("Selector", "string", ColumnDocs.DeploymentSelector, Priority: 1),
    ];

    public PrintedRow Print(JsonObject deployment, DateTimeOffset now)
    {
        var spec = deployment.Get("spec");
        var status = deployment.Get("status");
        var desired = spec.Get("replicas").AsLong() ?? 1;
        var (names, images) = PrintFormat.ContainerCells(spec.Get("template", "spec"));
        return Cells.Row(
            Cells.Text(PrintFormat.Name(deployment)),
            Cells.Text(status.Get("readyReplicas").Number().ToString(CultureInfo.InvariantCulture) + "/" + desired.ToString(CultureInfo.InvariantCulture)),
            Cells.Int(status.Get("updatedReplicas").Number()),
            Cells.Int(status.Get("availableReplicas").Number()),
            Cells.Text(PrintFormat.Age(deployment, now)),
            Cells.Text(names),
            Cells.Text(images),
            Cells.Text(PrintFormat.SelectorString(spec.Get("selector")) ?? "<invalid>"));
    }
}
