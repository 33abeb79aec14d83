using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>Mutating- and ValidatingWebhookConfigurations: Name, Webhooks (how many), Age.</summary>
internal sealed class WebhookConfigurationPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration."),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject configuration, DateTimeOffset now) =>
        Cells.Row(
            Cells.Text(PrintFormat.Name(configuration)),
            Cells.Int((configuration["webhooks"] as JsonArray)?.Count ?? 0),
            Cells.Text(PrintFormat.Age(configuration, now)));
}
