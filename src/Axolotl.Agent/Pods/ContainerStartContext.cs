using Axolotl.Agent.Logs;
using Axolotl.Agent.Restart;
using Axolotl.Client.Events;
using Axolotl.Images;
using Axolotl.Runtime;
using Axolotl.Runtime.Seccomp;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>The node's services a <see cref="ContainerStarter"/> uses: images, environment, logs, seccomp and the runtime.</summary>
public sealed record ContainerStartContext(
    IContainerRuntime Runtime,
    ImageService Images,
    ImagePullBackoff PullBackoff,
    IConfigSource ConfigSource,
    EnvResolver Env,
    SeccompProfileResolver Seccomp,
    LogPaths Logs,
    EventRecorder Events,
    TimeProvider Time,
    ILogger Log,
    TimeSpan ConfigErrorRetry,
    string? PodsCgroup,
    Metrics.KubeletMetrics? Kubelet);
