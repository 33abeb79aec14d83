using System.Globalization;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// Services: Name, Type, Cluster-IP, External-IP, Port(s), Age | Selector. External-IP depends on the type:
/// externalIPs or &lt;none&gt; for ClusterIP/NodePort, load-balancer ingress (or &lt;pending&gt;) for LoadBalancer,
/// the external name for ExternalName.
/// </summary>
internal sealed class ServicePrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Type", "string", ColumnDocs.ServiceType),
        new("Cluster-IP", "string", ColumnDocs.ServiceClusterIP),
        new("External-IP", "string", ColumnDocs.ServiceExternalIPs),
        new("Port(s)", "string", ColumnDocs.ServicePorts),
        CommonColumns.Age,
        new("Selector", "string", ColumnDocs.ServiceSelector, Priority: 1),
    ];

    public PrintedRow Print(JsonObject service, DateTimeOffset now)
    {
        var spec = service.Get("spec");
        var clusterIPs = spec.Get("clusterIPs").Items();
        var clusterIP = clusterIPs.Count > 0 ? clusterIPs[0].Text() : spec.Get("clusterIP").Text();
        var ports = Ports(spec);
        return Cells.Row(
            Cells.Text(PrintFormat.Name(service)),
            Cells.Text(spec.Get("type").Text()),
            Cells.Text(clusterIP.Length == 0 ? "<none>" : clusterIP),
            Cells.Text(ExternalIP(service)),
            Cells.Text(ports.Length == 0 ? "<none>" : ports),
            Cells.Text(PrintFormat.Age(service, now)),
            Cells.Text(PrintFormat.Labels(spec.Get("selector"))));
    }

    private static string ExternalIP(JsonObject service)
    {
        var spec = service.Get("spec");
        var externalIPs = spec.Get("externalIPs").Items().Select(ip => ip.Text()).ToList();
        switch (spec.Get("type").Text())
        {
            case "ClusterIP":
            case "NodePort":
                return externalIPs.Count > 0 ? string.Join(",", externalIPs) : "<none>";
            case "LoadBalancer":
                var ingress = LoadBalancerIngress(service.Get("status", "loadBalancer"));
                if (externalIPs.Count > 0)
                {
                    return string.Join(",", ingress.Concat(externalIPs));
                }
                return ingress.Count > 0 ? string.Join(",", ingress) : "<pending>";
            case "ExternalName":
                return spec.Get("externalName").Text();
            default:
                return "<unknown>";
        }
    }

    // The server prints wide, so upstream's 16-character clipping of this list never applies here.
    private static List<string> LoadBalancerIngress(JsonNode? loadBalancer)
    {
        var addresses = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var ingress in loadBalancer.Get("ingress").Items())
        {
            var ip = ingress.Get("ip").Text();
            var hostname = ingress.Get("hostname").Text();
            if (ip.Length > 0)
            {
                addresses.Add(ip);
            }
            else if (hostname.Length > 0)
            {
                addresses.Add(hostname);
            }
        }
        return [.. addresses];
    }

    /// <summary>"80/TCP" or "80:30080/TCP" per port, comma-separated.</summary>
    private static string Ports(JsonNode? spec) => string.Join(",", spec.Get("ports").Items().Select(port =>
    {
        var protocol = port.Get("protocol").Text();
        // The API defaults the protocol to TCP; objects stored before defaulting print the same way.
        protocol = protocol.Length == 0 ? "TCP" : protocol;
        var number = port.Get("port").Number().ToString(CultureInfo.InvariantCulture);
        var nodePort = port.Get("nodePort").Number();
        return nodePort > 0
            ? number + ":" + nodePort.ToString(CultureInfo.InvariantCulture) + "/" + protocol
            : number + "/" + protocol;
    }));
}
