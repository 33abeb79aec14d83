using Axolotl.Agent.Logs;
using Axolotl.Agent.Probes;
using Axolotl.Agent.Recovery;
using Axolotl.Agent.Restart;
using Axolotl.Agent.Status;
using Axolotl.Agent.Volumes;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Images;
using Axolotl.Runtime;
using Axolotl.Runtime.Seccomp;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>
/// The agent's node-wide services. The <see cref="PodManager"/> builds each collaborator's small
/// context from it once (<see cref="PodWorkerContext.From"/>): workers never see the whole set.
/// </summary>
public sealed record PodAgentContext(
    KubeClient Client,
    AgentOptions Options,
    IContainerRuntime Runtime,
    ImageService Images,
    RestartTracker Restarts,
    ImagePullBackoff PullBackoff,
    EnvResolver Env,
    PodVolumeManager Volumes,
    EventRecorder Events,
    PodStatusWriter StatusWriter,
    CheckpointStore Checkpoints,
    LogPaths Logs,
    TimeProvider Time,
    ILogger Log,
    string HostIp,
    ProbeManager Probes)
{
    /// <summary>Told of readiness changes before the API is (the node's service proxy; ADR 0003).</summary>
    public ReadinessReports Readiness { get; init; } = ReadinessReports.None;

    /// <summary>Refuses new pods the node cannot take now (the eviction manager under pressure); null: every pod is admitted.</summary>
    public Eviction.IPodAdmitter? Admission { get; init; }

    /// <summary>Reads the pods' ConfigMaps and Secrets (imagePullSecrets among them).</summary>
    public required IConfigSource ConfigSource { get; init; }

    /// <summary>Chooses and compiles each container's seccomp filter (securityContext.seccompProfile, --seccomp-default).</summary>
    public required SeccompProfileResolver Seccomp { get; init; }

    /// <summary>The healing histograms of this node (container and probe restarts); null: not recorded.</summary>
    public Metrics.HealingMetrics? Healing { get; init; }

    /// <summary>Network policy: a new pod's containers wait until its address is covered; null: no enforcement on this node.</summary>
    public NetworkPolicies.IPodNetworkGate? NetworkGate { get; init; }

    /// <summary>The kubelet's pod start histograms and runtime operation counts of this node; null: not recorded.</summary>
    public Metrics.KubeletMetrics? Kubelet { get; init; }

    /// <summary>The node's held listening sockets (nftables proxy mode, ADR 0030); null: none are held on this node.</summary>
    public IHeldListeners? HeldListeners { get; init; }
}
