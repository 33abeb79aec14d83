using Axolotl.Agent.Pods.Security;
using Axolotl.Api.Core;
using Axolotl.Client.Events;
using Axolotl.Images;
using Axolotl.Runtime.Security;

namespace Axolotl.Agent.Pods;

/// <summary>The pod's securityContext: the kubelet's admission of its sysctls, and each container's identity and sandbox.</summary>
public sealed partial class PodWorker
{
    /// <summary>
    /// As the kubelet's admission: a pod asking for a sysctl the node does not allow is rejected
    /// before anything of it runs (phase Failed, reason SysctlForbidden, "Pod was rejected: …").
    /// </summary>
    private async Task<bool> RejectForbiddenSysctlsAsync(CancellationToken ct)
    {
        if (Latest.Spec?.SecurityContext?.Sysctls is not { Count: > 0 } || _sandbox is not null || _live.Count > 0)
        {
            return false;
        }

        if (new SysctlAllowlist(_ctx.Options.AllowedUnsafeSysctls).Admit(Latest) is not { } message)
        {
            return false;
        }

        _ctx.Events.Record(Latest, EventRecorder.Warning, SysctlAllowlist.ForbiddenReason, message);
        Observed.FailureReason = SysctlAllowlist.ForbiddenReason;
        Observed.FailureMessage = "Pod was rejected: " + message;
        Lifecycle.Terminated();
        SaveCheckpoint();
        await WriteStatusAsync(ct, wait: true);
        return true;
    }

    /// <summary>
    /// The container's user (runAsNonRoot checked first: a ContainerConfigException is the kubelet's
    /// CreateContainerConfigError) and what the runtime applies: capabilities, privileged,
    /// no_new_privs, the read-only root, the pod's host namespaces and sysctls.
    /// </summary>
    private (ImageUser? User, ContainerSecurity Security) SecurityFor(Container container, ResolvedImage image)
    {
        var context = EffectiveSecurityContext.For(Latest, container);
        var user = image.Root is { } root ? ContainerIdentity.Resolve(Latest, container, context, root) : null;
        var spec = Latest.Spec;
        var security = new ContainerSecurity
        {
            AddCapabilities = context.AddCapabilities,
            DropCapabilities = context.DropCapabilities,
            Privileged = context.Privileged,
            NoNewPrivileges = context.AllowPrivilegeEscalation == false,
            ReadOnlyRootFilesystem = context.ReadOnlyRootFilesystem,
            HostPid = spec?.HostPID == true,
            HostIpc = spec?.HostIPC == true,
            HostNetwork = spec?.HostNetwork == true,
            Sysctls = [.. (spec?.SecurityContext?.Sysctls ?? []).Select(s => KeyValuePair.Create(s.Name, s.Value))],
        };
        return (user, security);
    }
}
