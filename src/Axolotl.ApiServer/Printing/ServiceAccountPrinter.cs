using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>ServiceAccounts: Name, Secrets (how many are listed), Age; v1.32 still prints the SECRETS column.</summary>
internal sealed class ServiceAccountPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Secrets", "string", ColumnDocs.ServiceAccountSecrets),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject account, DateTimeOffset now) => Cells.Row(
        Cells.Text(PrintFormat.Name(account)),
        Cells.Int(account.Get("secrets").Count()),
        Cells.Text(PrintFormat.Age(account, now)));
}
