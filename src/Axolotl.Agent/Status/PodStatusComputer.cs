using Axolotl.Agent.Pods;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Status;

/// <summary>
/// Builds a pod's status from what the agent observed, as the kubelet's generateAPIPodStatus does:
/// container statuses in spec order, phase (getPhase), the five conditions in upstream's order, IPs,
/// startTime and QoS class. Pure: the same inputs give the same status; transition times are kept
/// when a condition's status did not change, judged as the kubelet's status manager judges them:
/// against the status this agent last computed (<c>ownPrevious</c>) for the conditions it owns, and
/// against the API's (<c>previous</c>) where it has none. The API's copy alone would flip a transition
/// time back and forth under load: the watch delivers each of the agent's writes late, so a sync could
/// compare with the status from two writes ago, see a change that already happened and stamp it anew.
/// </summary>
public static class PodStatusComputer
{
    public const string RuntimeScheme = "axolotl://";

    /// <param name="previous">The pod's status as the API holds it: the scheduler's and others' conditions, and transitions when <paramref name="ownPrevious"/> has none.</param>
    /// <param name="probes">Started/Ready of running containers from their probes; a running container without an entry is started, and ready unless it has a readiness or startup probe.</param>
    /// <param name="ownPrevious">The status this agent last computed for the pod (null after an agent restart).</param>
    public static PodStatus Compute(Pod pod, ObservedPod observed, PodStatus? previous, DateTimeOffset now, IReadOnlyDictionary<string, ProbeView>? probes = null,
        PodStatus? ownPrevious = null)
    {
        var spec = pod.Spec ?? new PodSpec();
        if (observed.Rejected)
        {
            // Nothing ran: what the scheduler said stays, the kubelet adds only why it refused.
            var scheduledBefore = previous?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
            return new PodStatus
            {
                Phase = "Failed",
                Reason = observed.FailureReason,
                Message = observed.FailureMessage,
                QosClass = QosClassOf(spec),
                Conditions = scheduledBefore is null ? null : [Copy(scheduledBefore)],
            };
        }
        var hasInit = spec.InitContainers is { Count: > 0 };
        var defaultWaiting = hasInit ? "PodInitializing" : "ContainerCreating";

        var initStatuses = (spec.InitContainers ?? []).Select(c => ContainerStatusOf(c, observed.InitContainers.GetValueOrDefault(c.Name), defaultWaiting, probes, init: true)).ToList();
        var appStatuses = spec.Containers.Select(c => ContainerStatusOf(c, observed.Containers.GetValueOrDefault(c.Name), defaultWaiting, probes, init: false)).ToList();

        var phase = observed.FailureReason is not null ? "Failed" : Phase(spec, initStatuses, appStatuses, observed.Terminal);

        var status = new PodStatus
        {
            Phase = phase,
            HostIP = observed.HostIp,
            HostIPs = observed.HostIp is null ? null : [new HostIP { Ip = observed.HostIp }],
            PodIP = observed.PodIp,
            PodIPs = observed.PodIp is null ? null : [new PodIP { Ip = observed.PodIp }],
            StartTime = observed.StartTime,
            InitContainerStatuses = hasInit ? initStatuses : null,
            ContainerStatuses = appStatuses,
            EphemeralContainerStatuses = EphemeralStatuses(spec, observed),
            QosClass = QosClassOf(spec),
            NominatedNodeName = previous?.NominatedNodeName,
            Reason = observed.FailureReason,
            Message = observed.FailureMessage,
        };
        status.Conditions = Conditions(spec, observed, status, previous, ownPrevious, now);
        return status;
    }

    /// <summary>Guaranteed, Burstable or BestEffort, computed over init and app containers as upstream's GetPodQOS.</summary>
    public static string QosClassOf(PodSpec spec)
    {
        var requests = new Dictionary<string, Api.Resources.Quantity>(StringComparer.Ordinal);
        var limits = new Dictionary<string, Api.Resources.Quantity>(StringComparer.Ordinal);
        var guaranteed = true;
        foreach (var container in (spec.InitContainers ?? []).Concat(spec.Containers))
        {
            foreach (var (name, quantity) in container.Resources?.Requests ?? [])
            {
                if (name is "cpu" or "memory" && quantity.Sign > 0)
                {
                    requests[name] = requests.TryGetValue(name, out var sum) ? sum + quantity : quantity;
                }
            }
            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, quantity) in container.Resources?.Limits ?? [])
            {
                if (name is "cpu" or "memory" && quantity.Sign > 0)
                {
                    found.Add(name);
                    limits[name] = limits.TryGetValue(name, out var sum) ? sum + quantity : quantity;
                }
            }
            if (!found.Contains("cpu") || !found.Contains("memory"))
            {
                guaranteed = false;
            }
        }
        if (requests.Count == 0 && limits.Count == 0)
        {
            return "BestEffort";
        }
        if (guaranteed)
        {
            foreach (var (name, request) in requests)
            {
                if (!limits.TryGetValue(name, out var limit) || limit.CompareTo(request) != 0)
                {
                    guaranteed = false;
                    break;
                }
            }
        }
        return guaranteed && requests.Count == limits.Count ? "Guaranteed" : "Burstable";
    }

    /// <summary>
    /// Ephemeral containers as the kubelet reports them: never ready, no started flag (no probes run
    /// for them), waiting in ContainerCreating until started. Absent when the pod has none.
    /// </summary>
    private static List<ContainerStatus>? EphemeralStatuses(PodSpec spec, ObservedPod observed)
    {
        if (spec.EphemeralContainers is not { Count: > 0 } ephemeral)
        {
            return null;
        }
        return ephemeral.Select(c =>
        {
            var status = ContainerStatusOf(c, observed.EphemeralContainers.GetValueOrDefault(c.Name), "ContainerCreating", null, init: false);
            status.Started = null;
            status.Ready = false;
            return status;
        }).ToList();
    }

    private static ContainerStatus ContainerStatusOf(Container container, ObservedContainer? seen, string defaultWaiting, IReadOnlyDictionary<string, ProbeView>? probes, bool init)
    {
        var status = new ContainerStatus
        {
            Name = container.Name,
            Image = container.Image ?? "",
            ImageID = seen?.ImageId ?? "",
            RestartCount = seen?.RestartCount ?? 0,
            Started = false,
        };
        if (seen is null)
        {
            status.State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = defaultWaiting } };
            return status;
        }
        status.ContainerID = seen.ContainerId is null ? null : RuntimeScheme + seen.ContainerId;
        if (seen.LastTermination is { } last)
        {
            status.LastState = new ContainerState { Terminated = TerminatedOf(last) };
        }
        if (seen.RunningSince is { } since)
        {
            status.State = new ContainerState { Running = new ContainerStateRunning { StartedAt = since } };
            if (init && !Sidecars.Is(container))
            {
                status.Started = true;
                status.Ready = false;
            }
            else if (probes is not null && probes.TryGetValue(container.Name, out var view))
            {
                status.Started = view.Started;
                status.Ready = view.Started && view.Ready;
            }
            else
            {
                status.Started = container.StartupProbe is null;
                status.Ready = container.StartupProbe is null && container.ReadinessProbe is null;
            }
        }
        else if (seen.WaitingReason is not null || seen.Terminated is null)
        {
            status.State = new ContainerState
            {
                Waiting = new ContainerStateWaiting { Reason = seen.WaitingReason ?? defaultWaiting, Message = seen.WaitingMessage },
            };
            if (seen.Terminated is { } waitingAfter && seen.LastTermination is null)
            {
                status.LastState = new ContainerState { Terminated = TerminatedOf(waitingAfter) };
            }
        }
        else
        {
            status.State = new ContainerState { Terminated = TerminatedOf(seen.Terminated) };
            // A completed init container counts as ready, as upstream reports it; a stopped sidecar does not.
            status.Ready = init && !Sidecars.Is(container) && seen.Terminated.ExitCode == 0;
        }
        return status;
    }

    // No signal: the kubelet reports only the exit code (137, 143), so describe prints no "Signal:" line.
    private static ContainerStateTerminated TerminatedOf(ContainerTermination t) => new()
    {
        ExitCode = t.ExitCode,
        Reason = t.Reason,
        Message = t.Message,
        StartedAt = t.StartedAt,
        FinishedAt = t.FinishedAt,
        ContainerID = t.ContainerId is null ? null : RuntimeScheme + t.ContainerId,
    };

    /// <summary>
    /// upstream getPhase (kubelet_pods.go): regular init containers hold the pod Pending until they
    /// succeed; a sidecar counts as running once started, is pending until then, and one that has
    /// stopped is not counted at all (the pod completes by its app containers).
    /// </summary>
    private static string Phase(PodSpec spec, List<ContainerStatus> init, List<ContainerStatus> app, bool terminal)
    {
        var restartPolicy = spec.RestartPolicy ?? "Always";
        int pendingInit = 0, failedInit = 0;
        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        for (var i = 0; i < init.Count; i++)
        {
            var s = init[i];
            if (Sidecars.Is(spec.InitContainers![i]))
            {
                if (s.State?.Running is not null)
                {
                    if (s.Started != true)
                    {
                        pendingInit++;
                    }
                    running++;
                }
                else if (s.State?.Terminated is null && s.LastState?.Terminated is null)
                {
                    pendingInit++;
                    waiting++;
                }
                continue;
            }
            if (s.State?.Running is not null)
            {
                pendingInit++;
            }
            else if (s.State?.Terminated is { } t)
            {
                if (t.ExitCode != 0)
                {
                    failedInit++;
                }
            }
            else if (s.LastState?.Terminated is { ExitCode: not 0 })
            {
                failedInit++;
            }
            else
            {
                pendingInit++;
            }
        }

        foreach (var s in app)
        {
            if (s.State?.Running is not null)
            {
                running++;
            }
            else if (s.State?.Terminated is { } t)
            {
                stopped++;
                if (t.ExitCode == 0)
                {
                    succeeded++;
                }
            }
            else if (s.LastState?.Terminated is not null)
            {
                stopped++;
            }
            else
            {
                waiting++;
            }
        }

        if (failedInit > 0 && restartPolicy == "Never")
        {
            return "Failed";
        }
        if (pendingInit > 0 || waiting > 0)
        {
            return "Pending";
        }
        if (running > 0)
        {
            return "Running";
        }
        if (stopped > 0)
        {
            if (terminal)
            {
                return stopped == succeeded ? "Succeeded" : "Failed";
            }
            if (restartPolicy == "Always")
            {
                return "Running";
            }
            if (stopped == succeeded)
            {
                return "Succeeded";
            }
            return restartPolicy == "Never" ? "Failed" : "Running";
        }
        return "Pending";
    }

    private static List<PodCondition> Conditions(PodSpec spec, ObservedPod observed, PodStatus status, PodStatus? previous, PodStatus? ownPrevious, DateTimeOffset now)
    {
        var conditions = new List<PodCondition>();
        var succeeded = status.Phase == "Succeeded";
        // One-time, as upstream copies it over from the eviction: never regenerated.
        if (observed.DisruptionTarget is { } disruption)
        {
            conditions.Add(Copy(disruption));
        }

        conditions.Add(Condition("PodReadyToStartContainers", observed.SandboxReady && !observed.Terminal, null, null));

        // A sidecar is initialized once started; once an app container has started the pod stays
        // initialized while a sidecar restarts (upstream GeneratePodInitializedCondition).
        var initStatuses = status.InitContainerStatuses ?? [];
        var incompleteInit = initStatuses
            .Where((s, i) => Sidecars.Is(spec.InitContainers![i]) ? s.Started != true : s.State?.Terminated is not { ExitCode: 0 })
            .Select(s => s.Name)
            .ToList();
        var appStarted = (status.ContainerStatuses ?? []).Any(s => s.State?.Running is not null || s.State?.Terminated is not null || s.LastState?.Terminated is not null);
        conditions.Add(incompleteInit.Count == 0 || appStarted
            ? Condition("Initialized", true, succeeded && spec.InitContainers is { Count: > 0 } ? "PodCompleted" : null, null)
            : Condition("Initialized", false, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', incompleteInit)}]"));

        // Sidecars count in readiness, ahead of the app containers as upstream lists them.
        var sidecarStatuses = initStatuses.Where((_, i) => Sidecars.Is(spec.InitContainers![i]));
        var unready = sidecarStatuses.Concat(status.ContainerStatuses ?? []).Where(s => !s.Ready).Select(s => s.Name).ToList();
        PodCondition ContainersCondition(string type) => succeeded
            ? Condition(type, false, "PodCompleted", null)
            : unready.Count == 0
                ? Condition(type, true, null, null)
                : Condition(type, false, "ContainersNotReady", $"containers with unready status: [{string.Join(' ', unready)}]");
        var containersReady = ContainersCondition("ContainersReady");
        conditions.Add(containersReady.Status == "True" ? ReadinessGatesCondition(spec, previous) : ContainersCondition("Ready"));
        conditions.Add(containersReady);

        var scheduled = previous?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        conditions.Add(scheduled is { Status: "True" } ? Copy(scheduled) : Condition("PodScheduled", true, null, null));
        // Conditions others own (a readiness gate's, set through the status subresource) stay as they are.
        conditions.AddRange((previous?.Conditions ?? []).Where(c => !AgentOwnedConditions.Contains(c.Type)).Select(Copy));

        foreach (var condition in conditions)
        {
            var before = (AgentOwnedConditions.Contains(condition.Type) ? ownPrevious?.Conditions?.FirstOrDefault(c => c.Type == condition.Type) : null)
                ?? previous?.Conditions?.FirstOrDefault(c => c.Type == condition.Type);
            condition.LastTransitionTime ??= before is not null && before.Status == condition.Status ? before.LastTransitionTime ?? now : now;
        }
        return conditions;
    }

    private static readonly HashSet<string> AgentOwnedConditions =
        new(["PodScheduled", "Ready", "Initialized", "ContainersReady", "PodReadyToStartContainers", "DisruptionTarget"], StringComparer.Ordinal);

    /// <summary>
    /// Ready once the containers are: every spec.readinessGates condition must be True as well, with the
    /// kubelet's reason and messages otherwise (GeneratePodReadyCondition).
    /// </summary>
    private static PodCondition ReadinessGatesCondition(PodSpec spec, PodStatus? previous)
    {
        var unready = new List<string>();
        foreach (var gate in spec.ReadinessGates ?? [])
        {
            var condition = previous?.Conditions?.FirstOrDefault(c => c.Type == gate.ConditionType);
            if (condition is null)
            {
                unready.Add($"corresponding condition of pod readiness gate \"{gate.ConditionType}\" does not exist.");
            }
            else if (condition.Status != "True")
            {
                unready.Add($"the status of pod readiness gate \"{gate.ConditionType}\" is not \"True\", but {condition.Status}");
            }
        }

        return unready.Count == 0 ? Condition("Ready", true, null, null) : Condition("Ready", false, "ReadinessGatesNotReady", string.Join(", ", unready));
    }

    private static PodCondition Condition(string type, bool value, string? reason, string? message) => new()
    {
        Type = type,
        Status = value ? "True" : "False",
        Reason = reason,
        Message = message,
    };

    private static PodCondition Copy(PodCondition c) => new()
    {
        Type = c.Type,
        Status = c.Status,
        Reason = c.Reason,
        Message = c.Message,
        LastProbeTime = c.LastProbeTime,
        LastTransitionTime = c.LastTransitionTime,
    };
}
