using System.Globalization;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// Upstream's default table convertor, used for kinds without a printer (LimitRange among ours): Name and
/// "Created At", the creation timestamp in RFC 3339 UTC rather than an age.
/// </summary>
internal sealed class DefaultPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Created At", "date", ColumnDocs.CreationTimestamp),
    ];

    public PrintedRow Print(JsonObject obj, DateTimeOffset now)
    {
        // Go formats a missing timestamp as its zero time.
        var created = obj.Get("metadata", "creationTimestamp").AsTime() ?? new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return Cells.Row(
            Cells.Text(PrintFormat.Name(obj)),
            Cells.Text(created.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
    }
}
