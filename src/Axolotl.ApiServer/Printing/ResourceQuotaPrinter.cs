using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// ResourceQuotas: Name, Request, Limit, Age. Every resource in status.hard, sorted, prints as "name: used/hard";
/// those named limits.* go to the Limit column, all others to Request.
/// </summary>
internal sealed class ResourceQuotaPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
        new("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject quota, DateTimeOffset now)
    {
        var status = quota.Get("status");
        var used = status.Get("used");
        var requests = new List<string>();
        var limits = new List<string>();
        foreach (var (resource, hard) in status.Get("hard").Entries().OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            // Quantities print as stored; upstream prints their canonical form, which our API layer stores.
            var usedQuantity = used.Get(resource).AsString() ?? "0";
            var entry = resource + ": " + usedQuantity + "/" + (hard.AsString() ?? "0");
            var dot = resource.IndexOf('.', StringComparison.Ordinal);
            (dot > 0 && resource[..dot] == "limits" ? limits : requests).Add(entry);
        }
        return Cells.Row(
            Cells.Text(PrintFormat.Name(quota)),
            Cells.Text(string.Join(", ", requests)),
            Cells.Text(string.Join(", ", limits)),
            Cells.Text(PrintFormat.Age(quota, now)));
    }
}
