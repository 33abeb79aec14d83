using Axolotl.Agent.Pods.Security;
using Axolotl.Api.Core;
using Axolotl.Client.Events;

namespace Axolotl.Agent.Pods;

/// <summary>The pod's securityContext at admission: the sysctls the node allows (each container's identity is the <see cref="ContainerStarter"/>'s).</summary>
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
        FailPod(SysctlAllowlist.ForbiddenReason, "Pod was rejected: " + message);
        Lifecycle.Terminated();
        SaveCheckpoint();
        await WriteStatusAsync(ct, wait: true);
        return true;
    }
}
