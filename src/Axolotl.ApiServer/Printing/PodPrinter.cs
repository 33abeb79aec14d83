using System.Globalization;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// Pods: Name, Ready, Status, Restarts, Age | IP, Node, Nominated Node, Readiness Gates. The Status cell follows
/// upstream's printPod decision order: phase or status.reason, SchedulingGated, init containers (Init:N/M,
/// Init:&lt;reason&gt;, Init:ExitCode:N), then app containers from last to first (waiting reason, terminated reason,
/// ExitCode/Signal), Completed-with-running back to Running/NotReady, and finally Terminating/Unknown for pods
/// being deleted.
/// </summary>
internal sealed class PodPrinter : ITablePrinter
{
    private const string NodeUnreachablePodReason = "NodeLost";

    private static readonly TableRowCondition[] SucceededConditions =
        [new("Completed", "True", "Succeeded", "The pod has completed successfully.")];

    private static readonly TableRowCondition[] FailedConditions =
        [new("Completed", "True", "Failed", "The pod failed.")];

    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
        new("Status", "string", "The aggregate status of the containers in this pod."),
        new("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        CommonColumns.Age,
        new("IP", "string", ColumnDocs.PodIP, Priority: 1),
        new("Node", "string", ColumnDocs.PodNodeName, Priority: 1),
        new("Nominated Node", "string", ColumnDocs.PodNominatedNodeName, Priority: 1),
        new("Readiness Gates", "string", ColumnDocs.PodReadinessGates, Priority: 1),
    ];

    public PrintedRow Print(JsonObject pod, DateTimeOffset now)
    {
        var spec = pod.Get("spec");
        var status = pod.Get("status");

        var restarts = 0L;
        var restartableInitRestarts = 0L;
        var totalContainers = spec.Get("containers").Count();
        var readyContainers = 0;
        DateTimeOffset? lastRestart = null;
        DateTimeOffset? lastRestartableInitRestart = null;

        var phase = status.Get("phase").Text();
        var reason = phase;
        var statusReason = status.Get("reason").Text();
        if (statusReason.Length > 0)
        {
            reason = statusReason;
        }

        foreach (var condition in status.Get("conditions").Items())
        {
            if (condition.Get("type").Text() == "PodScheduled" && condition.Get("reason").Text() == "SchedulingGated")
            {
                reason = "SchedulingGated";
            }
        }

        var initContainers = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var init in spec.Get("initContainers").Items())
        {
            initContainers[init.Get("name").Text()] = init;
            if (IsRestartable(init))
            {
                totalContainers++;
            }
        }

        var initializing = false;
        var initStatuses = status.Get("initContainerStatuses").Items();
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var container = initStatuses[i];
            var restartable = IsRestartable(initContainers.GetValueOrDefault(container.Get("name").Text()));
            restarts += container.Get("restartCount").Number();
            var finished = container.Get("lastState", "terminated", "finishedAt").AsTime();
            lastRestart = Later(lastRestart, finished);
            if (restartable)
            {
                restartableInitRestarts += container.Get("restartCount").Number();
                lastRestartableInitRestart = Later(lastRestartableInitRestart, finished);
            }

            var terminated = container.Get("state", "terminated");
            var waiting = container.Get("state", "waiting");
            if (terminated.Exists() && terminated.Get("exitCode").Number() == 0)
            {
                continue;
            }
            if (restartable && container.Get("started").IsTrue())
            {
                if (container.Get("ready").IsTrue())
                {
                    readyContainers++;
                }
                continue;
            }
            if (terminated.Exists())
            {
                var terminatedReason = terminated.Get("reason").Text();
                reason = terminatedReason.Length > 0
                    ? "Init:" + terminatedReason
                    : terminated.Get("signal").Number() != 0
                        ? Invariant($"Init:Signal:{terminated.Get("signal").Number()}")
                        : Invariant($"Init:ExitCode:{terminated.Get("exitCode").Number()}");
            }
            else if (waiting.Exists() && waiting.Get("reason").Text() is { Length: > 0 } waitingReason && waitingReason != "PodInitializing")
            {
                reason = "Init:" + waitingReason;
            }
            else
            {
                reason = Invariant($"Init:{i}/{spec.Get("initContainers").Count()}");
            }
            initializing = true;
            break;
        }

        if (!initializing || HasCondition(status, "Initialized"))
        {
            // Once initialised, restarts of finished init containers no longer count; sidecars' still do.
            restarts = restartableInitRestarts;
            lastRestart = lastRestartableInitRestart;
            var hasRunning = false;
            var statuses = status.Get("containerStatuses").Items();
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var container = statuses[i];
                restarts += container.Get("restartCount").Number();
                lastRestart = Later(lastRestart, container.Get("lastState", "terminated", "finishedAt").AsTime());

                var waiting = container.Get("state", "waiting");
                var terminated = container.Get("state", "terminated");
                if (waiting.Exists() && waiting.Get("reason").Text().Length > 0)
                {
                    reason = waiting.Get("reason").Text();
                }
                else if (terminated.Exists() && terminated.Get("reason").Text().Length > 0)
                {
                    reason = terminated.Get("reason").Text();
                }
                else if (terminated.Exists())
                {
                    reason = terminated.Get("signal").Number() != 0
                        ? Invariant($"Signal:{terminated.Get("signal").Number()}")
                        : Invariant($"ExitCode:{terminated.Get("exitCode").Number()}");
                }
                else if (container.Get("ready").IsTrue() && container.Get("state", "running").Exists())
                {
                    hasRunning = true;
                    readyContainers++;
                }
            }

            if (reason == "Completed" && hasRunning)
            {
                reason = HasCondition(status, "Ready") ? "Running" : "NotReady";
            }
        }

        var deleting = pod.Get("metadata", "deletionTimestamp").Exists();
        if (deleting && statusReason == NodeUnreachablePodReason)
        {
            reason = "Unknown";
        }
        else if (deleting && phase is not ("Succeeded" or "Failed"))
        {
            reason = "Terminating";
        }

        var restartsText = restarts.ToString(CultureInfo.InvariantCulture);
        if (restarts != 0 && lastRestart is { } last)
        {
            restartsText = Invariant($"{restarts} ({HumanDuration.Since(last, now)} ago)");
        }

        var cells = new List<JsonNode?>
        {
            Cells.Text(PrintFormat.Name(pod)),
            Cells.Text(Invariant($"{readyContainers}/{totalContainers}")),
            Cells.Text(reason),
            Cells.Text(restartsText),
            Cells.Text(PrintFormat.Age(pod, now)),
            Cells.Text(NoneIfEmpty(PodIP(status))),
            Cells.Text(NoneIfEmpty(spec.Get("nodeName").Text())),
            Cells.Text(NoneIfEmpty(status.Get("nominatedNodeName").Text())),
            Cells.Text(ReadinessGates(spec, status)),
        };

        IReadOnlyList<TableRowCondition>? rowConditions = phase switch
        {
            "Succeeded" => SucceededConditions,
            "Failed" => FailedConditions,
            _ => null,
        };
        return new PrintedRow(cells, rowConditions);
    }

    private static bool IsRestartable(JsonNode? initContainer) => initContainer.Get("restartPolicy").Text() == "Always";

    private static bool HasCondition(JsonNode? status, string type) =>
        status.Get("conditions").Items().Any(c => c.Get("type").Text() == type && c.Get("status").Text() == "True");

    private static DateTimeOffset? Later(DateTimeOffset? current, DateTimeOffset? candidate) =>
        candidate is { } c && (current is null || current < c) ? c : current;

    // Upstream reads podIPs[0]; conversion from v1 fills podIPs from podIP, so fall back to it.
    private static string PodIP(JsonNode? status)
    {
        var ips = status.Get("podIPs").Items();
        return ips.Count > 0 ? ips[0].Get("ip").Text() : status.Get("podIP").Text();
    }

    private static string ReadinessGates(JsonNode? spec, JsonNode? status)
    {
        var gates = spec.Get("readinessGates").Items();
        if (gates.Count == 0)
        {
            return "<none>";
        }
        var conditions = status.Get("conditions").Items();
        var trueConditions = 0;
        foreach (var gate in gates)
        {
            var type = gate.Get("conditionType").Text();
            var match = conditions.FirstOrDefault(c => c.Get("type").Text() == type);
            if (match is not null && match.Get("status").Text() == "True")
            {
                trueConditions++;
            }
        }
        return Invariant($"{trueConditions}/{gates.Count}");
    }

    private static string NoneIfEmpty(string value) => value.Length == 0 ? "<none>" : value;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
