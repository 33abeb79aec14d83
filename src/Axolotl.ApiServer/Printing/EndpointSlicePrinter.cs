using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>EndpointSlices: Name, AddressType, Ports, Endpoints, Age; lists cut at three, &lt;unset&gt; when empty.</summary>
internal sealed class EndpointSlicePrinter : ITablePrinter
{
    private const int Max = 3;

    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("AddressType", "string", ColumnDocs.EndpointSliceAddressType),
        new("Ports", "string", ColumnDocs.EndpointSlicePorts),
        new("Endpoints", "string", ColumnDocs.EndpointSliceEndpoints),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject slice, DateTimeOffset now) => Cells.Row(
        Cells.Text(PrintFormat.Name(slice)),
        Cells.Text(slice.Get("addressType").Text()),
        Cells.Text(Ports(slice.Get("ports"))),
        Cells.Text(Endpoints(slice.Get("endpoints"))),
        Cells.Text(PrintFormat.Age(slice, now)));

    private static string Ports(JsonNode? ports)
    {
        var list = new List<string>();
        var more = false;
        var count = 0;
        foreach (var port in ports.Items())
        {
            if (list.Count < Max)
            {
                // A port without a number means "all ports"; upstream shows its name, or "*".
                list.Add(port.Get("port").AsString() ?? port.Get("name").AsString() ?? "*");
            }
            else if (list.Count == Max)
            {
                more = true;
            }
            count++;
        }
        return PrintFormat.ListWithMore(list, more, count, Max);
    }

    private static string Endpoints(JsonNode? endpoints)
    {
        var list = new List<string>();
        var more = false;
        var count = 0;
        foreach (var endpoint in endpoints.Items())
        {
            foreach (var address in endpoint.Get("addresses").Items())
            {
                if (list.Count < Max)
                {
                    list.Add(address.Text());
                }
                else if (list.Count == Max)
                {
                    more = true;
                }
                count++;
            }
        }
        return PrintFormat.ListWithMore(list, more, count, Max);
    }
}
