using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>NetworkPolicies: Name, Pod-Selector (metav1.FormatLabelSelector), Age — upstream's printNetworkPolicy.</summary>
internal sealed class NetworkPolicyPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Pod-Selector", "string", "Selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace."),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject policy, DateTimeOffset now) => Cells.Row(
        Cells.Text(PrintFormat.Name(policy)),
        Cells.Text(PrintFormat.LabelSelector(policy.Get("spec", "podSelector"))),
        Cells.Text(PrintFormat.Age(policy, now)));
}
