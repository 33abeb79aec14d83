using Axolotl.Api.Core;

namespace Axolotl.Agent.Pods;

/// <summary>
/// Native sidecars (KEP-753): init containers with <c>restartPolicy: Always</c>. They start in
/// order among the init containers, keep running beside the app containers and restart whatever
/// the pod's restart policy; validation allows the field on init containers only.
/// </summary>
public static class Sidecars
{
    public static bool Is(Container container) => container.RestartPolicy == "Always";

    /// <summary>Whether <paramref name="name"/> is one of the pod's init containers with restartPolicy Always.</summary>
    public static bool IsSidecar(PodSpec? spec, string name) =>
        spec?.InitContainers?.Any(c => c.Name == name && Is(c)) == true;

    /// <summary>Whether the pod has any sidecar.</summary>
    public static bool Any(PodSpec? spec) => spec?.InitContainers?.Any(Is) == true;
}
