using System.Globalization;
using System.Text.Json.Nodes;
using Axolotl.Api.Autoscaling;
using Axolotl.Api.Serialization;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// HorizontalPodAutoscalers (both versions): Name, Reference (Kind/Name), Targets ("cpu: 12%/50%",
/// "memory: 10Mi/100Mi", "&lt;unknown&gt;" before a measurement, at most four then "+ N more..."),
/// MinPods, MaxPods, Replicas, Age, as kubectl 1.32's server-side printer shows them.
/// </summary>
internal sealed class HorizontalPodAutoscalerPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Reference", "string", "reference to the target resource"),
        new("Targets", "string", "the current and target metric values"),
        new("MinPods", "string", "the lower limit of replicas"),
        new("MaxPods", "integer", "the upper limit of replicas"),
        new("Replicas", "string", "the current number of replicas"),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject obj, DateTimeOffset now)
    {
        var hpa = obj["apiVersion"]?.GetValue<string>() == "autoscaling/v1"
            ? Api.Autoscaling.V1.HorizontalPodAutoscalerConversion.ToV2(KubeJson.FromNode<Api.Autoscaling.V1.HorizontalPodAutoscaler>(obj)!)
            : KubeJson.FromNode<HorizontalPodAutoscaler>(obj)!;
        var spec = hpa.Spec ?? new HorizontalPodAutoscalerSpec();
        var reference = $"{spec.ScaleTargetRef?.Kind}/{spec.ScaleTargetRef?.Name}";
        return Cells.Row(
            Cells.Text(PrintFormat.Name(obj)),
            Cells.Text(reference),
            Cells.Text(Targets(spec.Metrics ?? [], hpa.Status?.CurrentMetrics ?? [])),
            Cells.Text(spec.MinReplicas?.ToString(CultureInfo.InvariantCulture) ?? "<unset>"),
            Cells.Int(spec.MaxReplicas),
            Cells.Int(hpa.Status?.CurrentReplicas ?? 0),
            Cells.Text(PrintFormat.Age(obj, now)));
    }

    internal static string Targets(List<MetricSpec> specs, List<MetricStatus> statuses)
    {
        if (specs.Count == 0)
        {
            return "<none>";
        }
        const int Max = 4;
        var list = new List<string>();
        for (var i = 0; i < specs.Count && list.Count < Max; i++)
        {
            var status = i < statuses.Count ? statuses[i] : null;
            var (name, target, current) = specs[i] switch
            {
                { Type: "Resource", Resource: { } r } => (r.Name, r.Target, status?.Resource?.Current),
                { Type: "ContainerResource", ContainerResource: { } c } => (c.Name, c.Target, status?.ContainerResource?.Current),
                var other => (other.Type?.ToLowerInvariant(), null, null),
            };
            if (target is null)
            {
                list.Add("<unknown>");
                continue;
            }
            if (target.AverageValue is { } average)
            {
                list.Add($"{name}: {current?.AverageValue?.ToString() ?? "<unknown>"}/{average}");
            }
            else
            {
                var now = current?.AverageUtilization is { } percent ? $"{percent}%" : "<unknown>";
                list.Add($"{name}: {now}/{target.AverageUtilization}%");
            }
        }
        var text = string.Join(", ", list);
        return specs.Count > Max ? $"{text} + {specs.Count - Max} more..." : text;
    }
}
