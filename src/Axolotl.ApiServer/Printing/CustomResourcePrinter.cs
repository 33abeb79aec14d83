using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// Upstream's table convertor for custom resources: Name, then the CRD's additionalPrinterColumns (or
/// Age when it declares none). A date column shows an age; a missing value is an empty cell.
/// </summary>
internal sealed class CustomResourcePrinter : ITablePrinter
{
    private readonly IReadOnlyList<PrinterColumn> _columns;

    public CustomResourcePrinter(CustomResourceShape shape)
    {
        _columns = shape.PrinterColumns.Count > 0
            ? shape.PrinterColumns
            : [new PrinterColumn("Age", "date", "", ColumnDocs.CreationTimestamp, 0, ".metadata.creationTimestamp")];
        Columns = [CommonColumns.Name, .. _columns.Select(c => new TableColumn(c.Name, c.Type, c.Description, c.Priority, c.Format))];
    }

    public IReadOnlyList<TableColumn> Columns { get; }

    public PrintedRow Print(JsonObject obj, DateTimeOffset now)
    {
        var cells = new List<JsonNode?> { Cells.Text(PrintFormat.Name(obj)) };
        foreach (var column in _columns)
        {
            cells.Add(Cell(column, SimpleJsonPath.Read(obj, column.JsonPath), now));
        }
        return new PrintedRow(cells);
    }

    private static JsonNode? Cell(PrinterColumn column, JsonNode? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return null;
        }
        if (column.Type == "date")
        {
            return value.AsTime() is { } time ? Cells.Text(HumanDuration.Since(time, now)) : null;
        }
        return value switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => Cells.Text(v.GetValue<string>()),
            JsonValue v when column.Type == "integer" && long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => Cells.Int(l),
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => column.Type == "boolean" ? Cells.Bool(v.GetValue<bool>()) : Cells.Text(v.ToJsonString()),
            _ => value.DeepClone(),
        };
    }
}
