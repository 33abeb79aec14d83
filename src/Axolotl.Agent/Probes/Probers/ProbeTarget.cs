using Axolotl.Api.Core;
using Axolotl.Runtime;

namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// The container a probe runs against: the pod IP (null when the pod runs in the host network
/// fallback, where 127.0.0.1 is used), the container's spec (named ports, env for exec commands) and
/// the live handle exec probes run in.
/// </summary>
public sealed record ProbeTarget(string? PodIp, Container Container, ContainerHandle Handle)
{
    /// <summary>The address network probes connect to when the probe names no host.</summary>
    public string Host => string.IsNullOrEmpty(PodIp) ? "127.0.0.1" : PodIp;
}
