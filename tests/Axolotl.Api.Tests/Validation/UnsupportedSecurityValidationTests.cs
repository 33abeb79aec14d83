using Axolotl.Api.Core;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Tests.Validation;

public sealed class UnsupportedSecurityValidationTests
{
    // A node without SELinux and AppArmor, as this project's machines are.
    public UnsupportedSecurityValidationTests() => UnsupportedSecurityValidation.Host = new HostSecurityModules(SELinux: false, AppArmor: false);

    private static PodSpec Spec(SecurityContext? container = null, PodSecurityContext? pod = null, bool? hostUsers = null) => new()
    {
        HostUsers = hostUsers,
        SecurityContext = pod,
        Containers = [new Container { Name = "app", Image = "busybox", SecurityContext = container }],
    };

    [Fact]
    public void Nothing_to_refuse_in_an_ordinary_pod() => Assert.Empty(UnsupportedSecurityValidation.Validate(Spec(new SecurityContext { RunAsUser = 1 }), "spec"));

    [Fact]
    public void Unconfined_AppArmor_is_accepted_and_any_other_profile_refused_without_AppArmor()
    {
        Assert.Empty(UnsupportedSecurityValidation.Validate(Spec(new SecurityContext { AppArmorProfile = new AppArmorProfile { Type = "Unconfined" } }), "spec"));
        var errors = UnsupportedSecurityValidation.Validate(Spec(pod: new PodSecurityContext { AppArmorProfile = new AppArmorProfile { Type = "RuntimeDefault" } }), "spec");
        Assert.Equal("spec.securityContext.appArmorProfile", Assert.Single(errors).Field);
    }

    [Fact]
    public void An_SCTP_hostPort_is_refused_without_hostNetwork_and_a_UDP_one_accepted()
    {
        var spec = Spec();
        spec.Containers[0].Ports = [new ContainerPort { ContainerPortNumber = 53, HostPort = 5353, Protocol = "UDP" }];
        Assert.Empty(UnsupportedSecurityValidation.Validate(spec, "spec"));
        spec.Containers[0].Ports = [new ContainerPort { ContainerPortNumber = 2905, HostPort = 2905, Protocol = "SCTP" }];
        var refused = Assert.Single(UnsupportedSecurityValidation.Validate(spec, "spec"));
        Assert.Equal("spec.containers[0].ports[0].hostPort", refused.Field);
        Assert.Contains("TCP and UDP host ports only, not SCTP", refused.Message, StringComparison.Ordinal);
        spec.HostNetwork = true;
        Assert.Empty(UnsupportedSecurityValidation.Validate(spec, "spec"));
    }

    [Fact]
    public void SELinux_windowsOptions_and_user_namespaces_are_refused()
    {
        var errors = UnsupportedSecurityValidation.Validate(
            Spec(new SecurityContext { WindowsOptions = new WindowsSecurityContextOptions() }, new PodSecurityContext { SeLinuxOptions = new SELinuxOptions { Level = "s0" } }, hostUsers: false), "spec");
        Assert.Equal(["spec.securityContext.seLinuxOptions", "spec.hostUsers", "spec.containers[0].securityContext.windowsOptions"], errors.Select(e => e.Field));
    }
}
