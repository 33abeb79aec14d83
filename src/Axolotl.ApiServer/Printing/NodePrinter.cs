using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// Nodes: Name, Status, Roles, Age, Version | Internal-IP, External-IP, OS-Image, Kernel-Version, Container-Runtime.
/// Status is Ready/NotReady from the Ready condition ("Unknown" without one), plus SchedulingDisabled when cordoned.
/// </summary>
internal sealed class NodePrinter : ITablePrinter
{
    private const string NodeRolePrefix = "node-role.kubernetes.io/";
    private const string NodeRoleLabel = "kubernetes.io/role";

    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Status", "string", "The status of the node"),
        new("Roles", "string", "The roles of the node"),
        CommonColumns.Age,
        new("Version", "string", ColumnDocs.NodeKubeletVersion),
        new("Internal-IP", "string", ColumnDocs.NodeAddresses, Priority: 1),
        new("External-IP", "string", ColumnDocs.NodeAddresses, Priority: 1),
        new("OS-Image", "string", ColumnDocs.NodeOSImage, Priority: 1),
        new("Kernel-Version", "string", ColumnDocs.NodeKernelVersion, Priority: 1),
        new("Container-Runtime", "string", ColumnDocs.NodeContainerRuntimeVersion, Priority: 1),
    ];

    public PrintedRow Print(JsonObject node, DateTimeOffset now)
    {
        var status = node.Get("status");
        var nodeInfo = status.Get("nodeInfo");

        var states = new List<string>();
        // Later entries win, as upstream keys its condition map by type.
        var ready = status.Get("conditions").Items().LastOrDefault(c => c.Get("type").Text() == "Ready");
        if (ready is not null)
        {
            states.Add(ready.Get("status").Text() == "True" ? "Ready" : "NotReady");
        }
        if (states.Count == 0)
        {
            states.Add("Unknown");
        }
        if (node.Get("spec", "unschedulable").IsTrue())
        {
            states.Add("SchedulingDisabled");
        }

        var roles = Roles(node);
        return Cells.Row(
            Cells.Text(PrintFormat.Name(node)),
            Cells.Text(string.Join(",", states)),
            Cells.Text(roles.Count == 0 ? "<none>" : string.Join(",", roles)),
            Cells.Text(PrintFormat.Age(node, now)),
            Cells.Text(nodeInfo.Get("kubeletVersion").Text()),
            Cells.Text(Address(status, "InternalIP")),
            Cells.Text(Address(status, "ExternalIP")),
            Cells.Text(UnknownIfEmpty(nodeInfo.Get("osImage").Text())),
            Cells.Text(UnknownIfEmpty(nodeInfo.Get("kernelVersion").Text())),
            Cells.Text(UnknownIfEmpty(nodeInfo.Get("containerRuntimeVersion").Text())));
    }

    /// <summary>Roles from node-role.kubernetes.io/&lt;role&gt; labels and the legacy kubernetes.io/role label, sorted.</summary>
    private static List<string> Roles(JsonObject node)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Get("metadata", "labels").Entries())
        {
            if (key.StartsWith(NodeRolePrefix, StringComparison.Ordinal))
            {
                var role = key[NodeRolePrefix.Length..];
                if (role.Length > 0)
                {
                    roles.Add(role);
                }
            }
            else if (key == NodeRoleLabel && value.Text().Length > 0)
            {
                roles.Add(value.Text());
            }
        }
        return [.. roles];
    }

    private static string Address(JsonNode? status, string type) =>
        status.Get("addresses").Items().FirstOrDefault(a => a.Get("type").Text() == type).Get("address").AsString() ?? "<none>";

    private static string UnknownIfEmpty(string value) => value.Length == 0 ? "<unknown>" : value;
}
