using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>Endpoints: Name, Endpoints ("ip:port,…" cut at three with "+ N more..."; &lt;none&gt; without subsets), Age.</summary>
internal sealed class EndpointsPrinter : ITablePrinter
{
    private const int Max = 3;

    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Endpoints", "string", ColumnDocs.EndpointsSubsets),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject endpoints, DateTimeOffset now) => Cells.Row(
        Cells.Text(PrintFormat.Name(endpoints)),
        Cells.Text(Format(endpoints.Get("subsets"))),
        Cells.Text(PrintFormat.Age(endpoints, now)));

    private static string Format(JsonNode? subsets)
    {
        if (subsets.Count() == 0)
        {
            return "<none>";
        }
        var list = new List<string>();
        var more = false;
        var count = 0;
        foreach (var subset in subsets.Items())
        {
            var addresses = subset.Get("addresses").Items();
            var ports = subset.Get("ports").Items();
            if (ports.Count == 0)
            {
                // Headless services may publish addresses without ports.
                count += addresses.Count;
                foreach (var address in addresses)
                {
                    if (list.Count == Max)
                    {
                        more = true;
                        break;
                    }
                    list.Add(address.Get("ip").Text());
                }
                continue;
            }
            foreach (var port in ports)
            {
                count += addresses.Count;
                foreach (var address in addresses)
                {
                    if (list.Count == Max)
                    {
                        more = true;
                        break;
                    }
                    list.Add(PrintFormat.HostPort(address.Get("ip").Text(), port.Get("port").Number()));
                }
            }
        }
        var joined = string.Join(",", list);
        return more ? joined + " + " + (count - Max) + " more..." : joined;
    }
}
