using Axolotl.Agent.Logs;
using Axolotl.Agent.Volumes;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>The node's services <see cref="PodTermination"/> uses: the API (endpoints, the pod's deletion), the runtime and hooks, the pod's files.</summary>
public sealed record PodTerminationContext(
    KubeClient Client,
    IContainerRuntime Runtime,
    LifecycleHooks Hooks,
    EventRecorder Events,
    PodVolumeManager Volumes,
    LogPaths Logs,
    TimeProvider Time,
    ILogger Log,
    TimeSpan EndpointDrainWait,
    TimeSpan EndpointPropagation);
