namespace Axolotl.Agent.Status;

/// <summary>How a container instance ended, in pod-status terms (reason Completed/Error/OOMKilled/StartError/…).</summary>
public sealed record ContainerTermination(
    int ExitCode,
    int? Signal,
    string Reason,
    string? Message,
    DateTimeOffset? StartedAt,
    DateTimeOffset FinishedAt,
    string? ContainerId)
{
    /// <summary>The reason upstream reports for an exit: OOMKilled wins, then Completed for 0, else Error.</summary>
    public static string ReasonFor(int exitCode, bool oomKilled) =>
        oomKilled ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error";
}

/// <summary>
/// What the agent knows about one container: the live instance (running), the current terminated
/// instance (not restarted, or waiting for back-off), the previous termination, and why it waits.
/// </summary>
public sealed class ObservedContainer
{
    public required string Name { get; init; }

    public int RestartCount { get; set; }

    /// <summary>Set while an instance runs.</summary>
    public DateTimeOffset? RunningSince { get; set; }

    /// <summary>The runtime id of the current (or last) instance, without the axolotl:// scheme.</summary>
    public string? ContainerId { get; set; }

    /// <summary>The instance ended and has not been replaced: state.terminated.</summary>
    public ContainerTermination? Terminated { get; set; }

    /// <summary>The instance before the current one: lastState.terminated.</summary>
    public ContainerTermination? LastTermination { get; set; }

    /// <summary>Why no instance runs (ContainerCreating, CrashLoopBackOff, ErrImagePull …), when not running.</summary>
    public string? WaitingReason { get; set; }

    public string? WaitingMessage { get; set; }

    public string? ImageId { get; set; }

    /// <summary>The spec image the current instance was started from: a different one in the spec means restart it.</summary>
    public string? StartedImage { get; set; }

    public bool IsRunning => RunningSince is not null;
}

/// <summary>Everything the status computation needs besides the pod spec.</summary>
public sealed class ObservedPod
{
    public DateTimeOffset? StartTime { get; set; }

    public string? PodIp { get; set; }

    public string? HostIp { get; set; }

    /// <summary>The sandbox exists (PodReadyToStartContainers).</summary>
    public bool SandboxReady { get; set; }

    /// <summary>
    /// The agent has finished with the pod (Succeeded/Failed decided and containers stopped). A pod
    /// worker never sets it itself: its <c>PodLifecycle</c> does on entering Terminated.
    /// </summary>
    public bool Terminal { get; set; }

    /// <summary>Why the agent failed the whole pod (DeadlineExceeded), shown as status.reason/message.</summary>
    public string? FailureReason { get; set; }

    public string? FailureMessage { get; set; }

    /// <summary>Refused at admission (the kubelet's rejectPod): the status is phase, reason, message and QoS class only.</summary>
    public bool Rejected { get; set; }

    /// <summary>The DisruptionTarget condition of a pod the agent evicted (reason TerminationByKubelet); kept as first set.</summary>
    public Api.Core.PodCondition? DisruptionTarget { get; set; }

    public Dictionary<string, ObservedContainer> InitContainers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ObservedContainer> Containers { get; } = new(StringComparer.Ordinal);

    /// <summary>Ephemeral containers (kubectl debug): started once each, never restarted, in status.ephemeralContainerStatuses.</summary>
    public Dictionary<string, ObservedContainer> EphemeralContainers { get; } = new(StringComparer.Ordinal);
}
