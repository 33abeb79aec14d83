using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>Ingresses: Name, Class, Hosts, Address, Ports, Age, as upstream's printer formats them.</summary>
internal sealed class IngressPrinter : ITablePrinter
{
    private const int MaxHosts = 3;
    private const int AddressWidth = 16;

    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Class", "string", "The name of the IngressClass resource that should be used for ingress class."),
        new("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
        new("Address", "string", "Address is a list containing ingress points for the load-balancer"),
        new("Ports", "string", "Ports of TLS configurations that open"),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject ingress, DateTimeOffset now) => Cells.Row(
        Cells.Text(PrintFormat.Name(ingress)),
        Cells.Text(ingress.Get("spec", "ingressClassName").AsString() ?? "<none>"),
        Cells.Text(Hosts(ingress.Get("spec", "rules").Items())),
        Cells.Text(Address(ingress.Get("status", "loadBalancer", "ingress").Items())),
        Cells.Text(ingress.Get("spec", "tls").Items().Count > 0 ? "80, 443" : "80"),
        Cells.Text(PrintFormat.Age(ingress, now)));

    /// <summary>Each rule's host ("*" for none), the first three, then "+ N more...".</summary>
    private static string Hosts(IReadOnlyList<JsonNode?> rules)
    {
        if (rules.Count == 0)
        {
            return "*";
        }
        var hosts = rules.Select(r => r.Get("host").AsString() is { Length: > 0 } host ? host : "*").ToList();
        var shown = string.Join(",", hosts.Take(MaxHosts));
        return hosts.Count > MaxHosts ? $"{shown} + {hosts.Count - MaxHosts} more..." : shown;
    }

    /// <summary>The load balancer's IPs and hostnames, cut to 16 characters with "..." (the non-wide form).</summary>
    private static string Address(IReadOnlyList<JsonNode?> points)
    {
        var text = string.Join(",", points.Select(p => p.Get("ip").AsString() is { Length: > 0 } ip ? ip : p.Get("hostname").Text()).Where(a => a.Length > 0));
        return text.Length > AddressWidth ? text[..(AddressWidth - 3)] + "..." : text;
    }
}
