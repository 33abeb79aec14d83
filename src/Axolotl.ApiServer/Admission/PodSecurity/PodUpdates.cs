using Axolotl.Api.Core;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// Which pod updates are judged again (upstream's isSignificantPodUpdate): only what can change a
/// pod's security after creation — a container added or removed, a container image changed, an
/// ephemeral container added or changed. Label, annotation and status changes pass untouched, so a
/// namespace tightened later never blocks its old pods' ordinary updates.
/// </summary>
public static class PodUpdates
{
    public static bool IsSignificant(PodSpec spec, PodSpec old)
    {
        var containers = spec.Containers;
        var oldContainers = old.Containers;
        var init = spec.InitContainers ?? [];
        var oldInit = old.InitContainers ?? [];
        if (containers.Count != oldContainers.Count || init.Count != oldInit.Count)
        {
            return true;
        }
        if (containers.Where((c, i) => c.Image != oldContainers[i].Image).Any() || init.Where((c, i) => c.Image != oldInit[i].Image).Any())
        {
            return true;
        }
        var oldEphemeral = old.EphemeralContainers ?? [];
        foreach (var container in spec.EphemeralContainers ?? [])
        {
            var before = oldEphemeral.FirstOrDefault(o => o.Name == container.Name);
            if (before is null || before.Image != container.Image)
            {
                return true;
            }
        }
        return false;
    }
}
