using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// APIServices, as kube-aggregator's table: Name, Service ("Local" or "namespace/name"), Available ("True",
/// "False (Reason)", or "Unknown" before any condition), Age.
/// </summary>
internal sealed class APIServicePrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Service", "string", "The reference to the service that hosts this API endpoint."),
        new("Available", "string", "Whether this service is available."),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject apiService, DateTimeOffset now)
    {
        var service = apiService.Get("spec", "service") is JsonObject reference
            ? $"{reference.Get("namespace").Text()}/{reference.Get("name").Text()}"
            : "Local";
        return Cells.Row(
            Cells.Text(PrintFormat.Name(apiService)),
            Cells.Text(service),
            Cells.Text(Available(apiService)),
            Cells.Text(PrintFormat.Age(apiService, now)));
    }

    public static string Available(JsonObject apiService)
    {
        var condition = apiService.Get("status", "conditions").Items().FirstOrDefault(c => c.Get("type").Text() == "Available");
        if (condition is null)
        {
            return "Unknown";
        }
        var status = condition.Get("status").Text();
        var reason = condition.Get("reason").Text();
        return status == "True" || reason.Length == 0 ? status : $"{status} ({reason})";
    }
}
