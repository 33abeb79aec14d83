namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>Every check kube-apiserver 1.32 enables by default (none of upstream's are experimental in 1.32).</summary>
public static class DefaultChecks
{
    public static IReadOnlyList<PodSecurityCheck> All { get; } =
    [
        AllowPrivilegeEscalation.Check,
        AppArmorProfile.Check,
        CapabilitiesBaseline.Check,
        CapabilitiesRestricted.Check,
        HostNamespaces.Check,
        HostPathVolumes.Check,
        HostPorts.Check,
        Privileged.Check,
        ProcMount.Check,
        RestrictedVolumes.Check,
        RunAsNonRoot.Check,
        RunAsUser.Check,
        SeLinuxOptions.Check,
        SeccompProfileBaseline.Check,
        SeccompProfileRestricted.Check,
        Sysctls.Check,
        WindowsHostProcess.Check,
    ];
}
