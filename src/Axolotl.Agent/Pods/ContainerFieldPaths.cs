using Axolotl.Api.Core;
using Axolotl.Client.Events;

namespace Axolotl.Agent.Pods;

/// <summary>The event field path of a pod's container: spec.containers{…}, spec.initContainers{…} (sidecars too) or spec.ephemeralContainers{…}.</summary>
internal static class ContainerFieldPaths
{
    public static bool IsEphemeral(PodSpec? spec, string name) => spec?.EphemeralContainers?.Any(c => c.Name == name) == true;

    public static string Ephemeral(string name) => $"spec.ephemeralContainers{{{name}}}";

    public static string Of(PodSpec? spec, string name) =>
        IsEphemeral(spec, name) ? Ephemeral(name) : EventRecorder.ContainerFieldPath(name, spec?.InitContainers?.Any(c => c.Name == name) == true);
}
