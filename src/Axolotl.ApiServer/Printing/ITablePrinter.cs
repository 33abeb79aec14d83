using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// Turns one object of a kind into one meta/v1 Table row. Printers always produce every column, wide ones
/// included, as upstream's server does; the client hides priority-1 columns unless asked for -o wide.
/// </summary>
public interface ITablePrinter
{
    IReadOnlyList<TableColumn> Columns { get; }

    PrintedRow Print(JsonObject obj, DateTimeOffset now);
}
