using Axolotl.Runtime;
using Axolotl.Runtime.Seccomp;

namespace Axolotl.Runtime.Tests.Seccomp;

/// <summary>How a container's filter reaches the launcher, its exec's and its prepared next attempt.</summary>
public sealed class SeccompLaunchArgumentsTests
{
    private static readonly ContainerSpec Spec = new("uid", "app", ["sh"], new Dictionary<string, string>(), null, "/logs/0.log");
    private static readonly NativeLauncher.Request Request = new("/l", "/e", [], null, "h", null, "1m", 1);

    [Fact]
    public void The_program_and_its_flags_come_before_the_argv_and_no_program_adds_nothing()
    {
        var arguments = NativeLauncher.Arguments(Request, Spec with { Seccomp = new SeccompProgram("/p/rd.bpf", SeccompFilter.FlagSpecAllow) });

        Assert.Equal(["--seccomp", "/p/rd.bpf", "--seccomp-flags", "4", "--", "sh"], arguments.Skip(arguments.IndexOf("--seccomp")));
        Assert.DoesNotContain("--seccomp", NativeLauncher.Arguments(Request, Spec));
        Assert.Equal(["--seccomp", "/p/x.bpf"], NativeLauncher.SeccompArguments(new SeccompProgram("/p/x.bpf", 0)));
        Assert.Empty(NativeLauncher.SeccompArguments(null));
    }

    [Fact]
    public void A_prepared_attempt_is_used_only_with_the_same_filter()
    {
        var confined = Spec with { Seccomp = new SeccompProgram("/p/rd.bpf", 4) };

        Assert.True(ContainerStandby.SameLaunch(confined, Spec with { Seccomp = new SeccompProgram("/p/rd.bpf", 4) }));
        Assert.False(ContainerStandby.SameLaunch(confined, Spec));
        Assert.False(ContainerStandby.SameLaunch(confined, Spec with { Seccomp = new SeccompProgram("/p/admin.bpf", 4) }));
    }
}
