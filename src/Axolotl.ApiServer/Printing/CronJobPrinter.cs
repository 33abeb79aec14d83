using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>CronJobs: Name, Schedule, Timezone, Suspend, Active, Last Schedule, Age | Containers, Images, Selector (upstream printCronJob).</summary>
internal sealed class CronJobPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
        new("Timezone", "string", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
        new("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false."),
        new("Active", "integer", "A list of pointers to currently running jobs."),
        new("Last Schedule", "string", "Information when was the last time the job was successfully scheduled."),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
        new("Selector", "string", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", Priority: 1),
    ];

    public PrintedRow Print(JsonObject cronJob, DateTimeOffset now)
    {
        var spec = cronJob.Get("spec");
        var status = cronJob.Get("status");
        var last = status.Get("lastScheduleTime").AsTime();
        var suspend = spec.Get("suspend") is JsonValue v && v.TryGetValue(out bool b) ? (b ? "True" : "False") : "<unset>";
        var jobSpec = spec.Get("jobTemplate", "spec");
        var (names, images) = PrintFormat.ContainerCells(jobSpec.Get("template", "spec"));
        return Cells.Row(
            Cells.Text(PrintFormat.Name(cronJob)),
            Cells.Text(spec.Get("schedule").Text()),
            Cells.Text(spec.Get("timeZone").AsString() ?? "<none>"),
            Cells.Text(suspend),
            Cells.Int(status.Get("active").Count()),
            Cells.Text(last is null ? "<none>" : HumanDuration.Since(last, now)),
            Cells.Text(PrintFormat.Age(cronJob, now)),
            Cells.Text(names),
            Cells.Text(images),
            Cells.Text(PrintFormat.LabelSelector(jobSpec.Get("selector"))));
    }
}
