using Axolotl.Agent.Restart;
using Axolotl.Api.Core;
using Axolotl.Runtime;

namespace Axolotl.Agent.Pods;

/// <summary>
/// The pod lane's restart decision for one running attempt, as the runtime asks it the moment the
/// attempt exits (<see cref="ContainerSpec.RestartsAtOnce"/>), before the lane has heard of the exit: true only
/// when the lane, on hearing of it, is bound to restart the container at once with the very attempt
/// prepared for it. That is: the pod is still wanted, no stop was asked for, and the restart tracker
/// says the restart is immediate (the first one, or the first after a long run). The lane then records
/// the exit with the same times and gets the same answer. Read from the runtime's threads.
/// </summary>
internal sealed class ImmediateRestartGate(RestartTracker restarts, string podUid, string name, string? restartPolicy, Func<bool> podWanted)
{
    private volatile bool _closed;
    private volatile bool _probeKill;

    /// <summary>The lane stops the attempt itself (a changed spec, termination): its exit is the lane's to handle.</summary>
    public void Close() => _closed = true;

    /// <summary>A failed probe kills the attempt: it restarts under OnFailure whatever its exit code, as the lane decides.</summary>
    public void MarkProbeKill() => _probeKill = true;

    public bool RestartsAtOnce(DateTimeOffset startedAt, ContainerExit exit)
    {
        if (_closed || !podWanted())
        {
            return false;
        }

        var policy = _probeKill && restartPolicy != RestartPolicies.Never ? RestartPolicies.Always : restartPolicy;
        return restarts.RestartsAtOnce(podUid, name, policy, exit.ExitCode, startedAt, exit.FinishedAt);
    }

    /// <summary>
    /// The runtime's armed restart for this attempt (<see cref="ArmedRestart"/>): its exit starts the
    /// prepared attempt by itself when the lane, as things stand, would restart it at once on any exit
    /// the policy restarts (Always: any code; OnFailure: a non-zero one).
    /// </summary>
    public ArmedRestart Armed() => new(restartPolicy != RestartPolicies.OnFailure,
        () => !_closed && !_probeKill && podWanted() && restarts.NextExitRestartsAtOnce(podUid, name));

    /// <summary>
    /// Whether the container's next attempt is the same launch whenever it comes: its environment cannot
    /// change (literal values and fields of the pod that never change, no ConfigMap, Secret, label or
    /// annotation) and its image start asks no registry.
    /// </summary>
    public static bool Applies(Container container, bool startsWithoutRegistry) =>
        startsWithoutRegistry
        && container.EnvFrom is not { Count: > 0 }
        && (container.Env ?? []).All(e => e.ValueFrom is null || e.ValueFrom.ResourceFieldRef is not null
            || (e.ValueFrom.FieldRef is { } field && FixedFields.Contains(field.FieldPath)));

    private static readonly HashSet<string> FixedFields = new(StringComparer.Ordinal)
    {
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
        "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    };
}
