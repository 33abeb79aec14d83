using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>ConfigMaps: Name, Data (entries in data plus binaryData), Age.</summary>
internal sealed class ConfigMapPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Data", "string", ColumnDocs.ConfigMapData),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject configMap, DateTimeOffset now) => Cells.Row(
        Cells.Text(PrintFormat.Name(configMap)),
        Cells.Int(configMap.Get("data").Count() + configMap.Get("binaryData").Count()),
        Cells.Text(PrintFormat.Age(configMap, now)));
}
