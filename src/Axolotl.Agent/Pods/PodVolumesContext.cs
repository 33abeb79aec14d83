using Axolotl.Agent.Volumes;
using Axolotl.Client.Events;
using Axolotl.Runtime;

namespace Axolotl.Agent.Pods;

/// <summary>The node's services <see cref="PodVolumes"/> uses, and how often it retries and refreshes.</summary>
public sealed record PodVolumesContext(
    PodVolumeManager Manager,
    IContainerRuntime Runtime,
    EventRecorder Events,
    TimeProvider Time,
    TimeSpan VolumeRetry,
    TimeSpan VolumeRefreshInterval);
