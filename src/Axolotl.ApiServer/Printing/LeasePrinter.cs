using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>Leases: Name, Holder (spec.holderIdentity), Age.</summary>
internal sealed class LeasePrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Holder", "string", ColumnDocs.LeaseHolderIdentity),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject lease, DateTimeOffset now) => Cells.Row(
        Cells.Text(PrintFormat.Name(lease)),
        Cells.Text(lease.Get("spec", "holderIdentity").Text()),
        Cells.Text(PrintFormat.Age(lease, now)));
}
