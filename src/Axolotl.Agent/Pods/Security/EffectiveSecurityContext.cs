using Axolotl.Api.Core;

namespace Axolotl.Agent.Pods.Security;

/// <summary>
/// The kubelet's DetermineEffectiveSecurityContext: the container's securityContext, with the pod's
/// runAsUser, runAsGroup and runAsNonRoot where the container leaves them unset (container wins).
/// Capabilities, privileged, readOnlyRootFilesystem, allowPrivilegeEscalation and procMount exist
/// on the container only.
/// </summary>
public sealed record EffectiveSecurityContext(
    long? RunAsUser,
    long? RunAsGroup,
    bool? RunAsNonRoot,
    bool Privileged,
    bool? AllowPrivilegeEscalation,
    bool ReadOnlyRootFilesystem,
    IReadOnlyList<string> AddCapabilities,
    IReadOnlyList<string> DropCapabilities)
{
    public static EffectiveSecurityContext For(Pod pod, Container container)
    {
        var podContext = pod.Spec?.SecurityContext;
        var own = container.SecurityContext;
        return new EffectiveSecurityContext(
            own?.RunAsUser ?? podContext?.RunAsUser,
            own?.RunAsGroup ?? podContext?.RunAsGroup,
            own?.RunAsNonRoot ?? podContext?.RunAsNonRoot,
            own?.Privileged == true,
            own?.AllowPrivilegeEscalation,
            own?.ReadOnlyRootFilesystem == true,
            own?.Capabilities?.Add ?? [],
            own?.Capabilities?.Drop ?? []);
    }
}
