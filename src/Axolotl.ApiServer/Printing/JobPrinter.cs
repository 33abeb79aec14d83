using System.Globalization;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>Jobs: Name, Status, Completions, Duration, Age | Containers, Images, Selector (upstream printJob, v1.32).</summary>
internal sealed class JobPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Status", "string", "Status of the job."),
        new("Completions", "string", "The desired number of successfully finished pods the job should be run with. Setting to null means that the success of any pod signals the success of all pods, and allows parallelism to have any positive value. Setting to 1 means that parallelism is limited to 1 and the success of that pod signals the success of the job. More info: https://kubernetes.io/docs/concepts/workloads/controllers/jobs-run-to-completion/"),
        new("Duration", "string", "Time required to complete the job."),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
        new("Selector", "string", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", Priority: 1),
    ];

    public PrintedRow Print(JsonObject job, DateTimeOffset now)
    {
        var spec = job.Get("spec");
        var status = job.Get("status");
        var succeeded = status.Get("succeeded").Number().ToString(CultureInfo.InvariantCulture);
        var parallelism = spec.Get("parallelism").AsLong();
        var completions = spec.Get("completions").AsLong() is { } c
            ? $"{succeeded}/{c.ToString(CultureInfo.InvariantCulture)}"
            : parallelism is > 1 ? $"{succeeded}/1 of {parallelism.Value.ToString(CultureInfo.InvariantCulture)}" : $"{succeeded}/1";
        var start = status.Get("startTime").AsTime();
        var end = status.Get("completionTime").AsTime();
        var duration = start is null ? "" : HumanDuration.Format((end ?? now) - start.Value);
        var (names, images) = PrintFormat.ContainerCells(spec.Get("template", "spec"));
        return Cells.Row(
            Cells.Text(PrintFormat.Name(job)),
            Cells.Text(StatusOf(job, status)),
            Cells.Text(completions),
            Cells.Text(duration),
            Cells.Text(PrintFormat.Age(job, now)),
            Cells.Text(names),
            Cells.Text(images),
            Cells.Text(PrintFormat.LabelSelector(spec.Get("selector"))));
    }

    private static string StatusOf(JsonObject job, JsonNode? status)
    {
        bool Has(string type) => status.Get("conditions").Items().Any(c => c.Get("type").Text() == type && c.Get("status").Text() == "True");
        if (Has("Complete"))
        {
            return "Complete";
        }
        if (Has("Failed"))
        {
            return "Failed";
        }
        if (job.Get("metadata", "deletionTimestamp") is not null)
        {
            return "Terminating";
        }
        if (Has("Suspended"))
        {
            return "Suspended";
        }
        if (Has("FailureTarget"))
        {
            return "FailureTarget";
        }
        return Has("SuccessCriteriaMet") ? "SuccessCriteriaMet" : "Running";
    }
}
