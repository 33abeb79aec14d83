using System.Text.Json.Nodes;
using Axolotl.Api.Resources;

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
            var entry = resource + ": " + Canonical(used.Get(resource)) + "/" + Canonical(hard);
            var dot = resource.IndexOf('.', StringComparison.Ordinal);
            (dot > 0 && resource[..dot] == "limits" ? limits : requests).Add(entry);
        }
        return Cells.Row(
            Cells.Text(PrintFormat.Name(quota)),
            Cells.Text(string.Join(", ", requests)),
            Cells.Text(string.Join(", ", limits)),
            Cells.Text(PrintFormat.Age(quota, now)));
    }

    /// <summary>Quantity.String(): the canonical form ("1000m" prints as "1"); a missing quantity is zero.</summary>
    private static string Canonical(JsonNode? node)
    {
        var text = node.AsString();
        if (text is null)
        {
            return "0";
        }
        return Quantity.TryParse(text, out var quantity) ? quantity.ToString() : text;
    }
}
