using Axolotl.Agent.Status;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Pods;

/// <summary>
/// Ephemeral containers (pods/ephemeralcontainers, kubectl debug): each is started once, as soon as
/// it appears in the spec (also before the init containers are done, as the kubelet does), and never
/// restarted; it runs in the pod's network namespace and, with targetContainerName, in the target's
/// pid namespace. Its status goes to status.ephemeralContainerStatuses.
/// </summary>
public sealed partial class PodWorker
{
    private bool IsEphemeral(string name) => ContainerFieldPaths.IsEphemeral(Latest.Spec, name);

    private static string EphemeralFieldPath(string name) => ContainerFieldPaths.Ephemeral(name);

    private async Task StartEphemeralContainersAsync(PodSpec spec, CancellationToken ct)
    {
        foreach (var container in spec.EphemeralContainers ?? [])
        {
            var seen = Get(container.Name, init: false);
            if (ShouldStartEphemeral(seen, _decisions.ContainsKey(container.Name)))
            {
                await StartContainerAsync(container, seen, init: false, ct);
            }
        }
    }

    /// <summary>
    /// Once only: not while it runs, and never again after it ran or failed to start (that leaves a
    /// restart decision). A pull or configuration error leaves it waiting, and it is tried again.
    /// </summary>
    internal static bool ShouldStartEphemeral(ObservedContainer seen, bool exited) =>
        !seen.IsRunning && seen.Terminated is null && !exited;
}
