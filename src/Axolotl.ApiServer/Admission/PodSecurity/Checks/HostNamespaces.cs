using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>Baseline, v1.0+: the pod may not share the node's network, PID or IPC namespace.</summary>
public static class HostNamespaces
{
    public static PodSecurityCheck Check { get; } = new("hostNamespaces", PodSecurityLevel.Baseline, [new(PolicyVersion.V1(0), Evaluate)]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var shared = new List<string>();
        if (spec.HostNetwork == true)
        {
            shared.Add("hostNetwork=true");
        }
        if (spec.HostPID == true)
        {
            shared.Add("hostPID=true");
        }
        if (spec.HostIPC == true)
        {
            shared.Add("hostIPC=true");
        }
        return shared.Count == 0 ? CheckResult.Allow : CheckResult.Forbid("host namespaces", string.Join(", ", shared));
    }
}
