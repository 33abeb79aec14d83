using System.Globalization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>Baseline, v1.0+: no container port may name a hostPort (0 means none).</summary>
public static class HostPorts
{
    public static PodSecurityCheck Check { get; } = new("hostPorts", PodSecurityLevel.Baseline, [new(PolicyVersion.V1(0), Evaluate)]);

    private static CheckResult Evaluate(ObjectMeta meta, PodSpec spec)
    {
        var bad = new List<string>();
        var ports = new List<string>();
        foreach (var container in CheckText.AllContainers(spec))
        {
            var used = (container.Ports ?? []).Where(p => p.HostPort is { } port && port != 0).Select(p => p.HostPort!.Value.ToString(CultureInfo.InvariantCulture)).ToList();
            if (used.Count > 0)
            {
                bad.Add(container.Name);
                ports.AddRange(used);
            }
        }
        if (bad.Count == 0)
        {
            return CheckResult.Allow;
        }
        // Upstream keeps the ports in a string set: sorted as text ("80" before "8080" before "9"), each once.
        var distinct = CheckText.Sorted(ports);
        return CheckResult.Forbid("hostPort",
            $"{CheckText.Containers(bad)} {CheckText.Pluralize("uses", "use", bad.Count)} {CheckText.Pluralize("hostPort", "hostPorts", distinct.Count)} {string.Join(", ", distinct)}");
    }
}
