using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>Namespaces: Name, Status (the phase: Active or Terminating), Age.</summary>
internal sealed class NamespacePrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Status", "string", "The status of the namespace"),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject ns, DateTimeOffset now) => Cells.Row(
        Cells.Text(PrintFormat.Name(ns)),
        Cells.Text(ns.Get("status", "phase").Text()),
        Cells.Text(PrintFormat.Age(ns, now)));
}
