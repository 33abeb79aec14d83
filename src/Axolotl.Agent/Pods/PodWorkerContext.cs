using Axolotl.Agent.Probes;
using Axolotl.Agent.Recovery;
using Axolotl.Agent.Restart;
using Axolotl.Agent.Status;
using Axolotl.Client.Events;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>
/// What a <see cref="PodWorker"/> itself uses: the services of its own steps (sandbox, admission,
/// restart decisions, probes, status, checkpoint) and its collaborators' contexts. Built once per
/// node (<see cref="PodManager"/>) and shared by every worker.
/// </summary>
public sealed record PodWorkerContext(
    IContainerRuntime Runtime,
    RestartTracker Restarts,
    ProbeManager Probes,
    EventRecorder Events,
    PodStatusWriter StatusWriter,
    ReadinessReports Readiness,
    CheckpointStore Checkpoints,
    TimeProvider Time,
    ILogger Log,
    string HostIp,
    PodSyncOptions Options,
    ContainerStartContext Start,
    PodVolumesContext Volumes,
    LifecycleHooks Hooks,
    PodTermination Termination)
{
    /// <summary>Refuses new pods the node cannot take now (the eviction manager under pressure); null: every pod is admitted.</summary>
    public Eviction.IPodAdmitter? Admission { get; init; }

    /// <summary>The healing histograms of this node (container and probe restarts); null: not recorded.</summary>
    public Metrics.HealingMetrics? Healing { get; init; }

    /// <summary>Network policy: a new pod's containers wait until its address is covered; null: no enforcement on this node.</summary>
    public NetworkPolicies.IPodNetworkGate? NetworkGate { get; init; }

    /// <summary>The kubelet's pod start histograms of this node; null: not recorded.</summary>
    public Metrics.KubeletMetrics? Kubelet { get; init; }

    /// <summary>The node's held listening sockets (ADR 0030): a held pod is never armed, and an exit drains first; null: none held.</summary>
    public IHeldListeners? HeldListeners { get; init; }

    /// <summary>Each worker's view of the node-wide services: one set of collaborators for all of them.</summary>
    public static PodWorkerContext From(PodAgentContext node)
    {
        var options = node.Options;
        var hooks = new LifecycleHooks(node.Runtime, node.Probes, node.Events, node.Time, node.Log);
        var start = new ContainerStartContext(node.Runtime, node.Images, node.PullBackoff, node.ConfigSource, node.Env, node.Seccomp, node.Logs,
            node.Events, node.Time, node.Log, options.ConfigErrorRetry, options.PodsCgroup, node.Kubelet);
        var termination = new PodTermination(new PodTerminationContext(node.Client, node.Runtime, hooks, node.Events, node.Volumes, node.Logs,
            node.Time, node.Log, options.EndpointDrainWait, options.EndpointPropagation));
        var volumes = new PodVolumesContext(node.Volumes, node.Runtime, node.Events, node.Time, options.VolumeRetry, options.VolumeRefreshInterval);
        var sync = new PodSyncOptions(options.ConfigErrorRetry, options.AllowedUnsafeSysctls);
        return new PodWorkerContext(node.Runtime, node.Restarts, node.Probes, node.Events, node.StatusWriter, node.Readiness,
            node.Checkpoints, node.Time, node.Log, node.HostIp, sync, start, volumes, hooks, termination)
        {
            Admission = node.Admission,
            Healing = node.Healing,
            Kubelet = node.Kubelet,
            NetworkGate = node.NetworkGate,
            HeldListeners = node.HeldListeners,
        };
    }
}

/// <summary>The agent's settings a pod's own sync reads: when to retry after a configuration error, the sysctls the node allows.</summary>
public sealed record PodSyncOptions(TimeSpan ConfigErrorRetry, IReadOnlyList<string> AllowedUnsafeSysctls);
