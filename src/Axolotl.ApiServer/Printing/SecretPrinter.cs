using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>Secrets: Name, Type, Data (number of keys), Age.</summary>
internal sealed class SecretPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Type", "string", ColumnDocs.SecretType),
        new("Data", "string", ColumnDocs.SecretData),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject secret, DateTimeOffset now) => Cells.Row(
        Cells.Text(PrintFormat.Name(secret)),
        Cells.Text(secret.Get("type").Text()),
        Cells.Int(secret.Get("data").Count()),
        Cells.Text(PrintFormat.Age(secret, now)));
}
