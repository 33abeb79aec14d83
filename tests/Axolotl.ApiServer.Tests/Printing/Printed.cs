using System.Text.Json.Nodes;
using Axolotl.ApiServer.Printing;

namespace Axolotl.ApiServer.Tests.Printing;

/// <summary>Prints one object through the registered printer and exposes its cells by column name.</summary>
internal sealed class Printed
{
    public static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, JsonNode?> _cells = new(StringComparer.Ordinal);

    private Printed(ITablePrinter printer, PrintedRow row)
    {
        Assert.Equal(printer.Columns.Count, row.Cells.Count);
        for (var i = 0; i < row.Cells.Count; i++)
        {
            _cells[printer.Columns[i].Name] = row.Cells[i];
        }
        Row = row;
    }

    public PrintedRow Row { get; }

    public static Printed Of(string group, string kind, string json)
    {
        var printer = TablePrinters.For(group, kind);
        return new Printed(printer, printer.Print(JsonNode.Parse(json)!.AsObject(), Now));
    }

    public string this[string column] => _cells[column]!.GetValue<string>();

    public long Int(string column) => _cells[column]!.GetValue<long>();
}
