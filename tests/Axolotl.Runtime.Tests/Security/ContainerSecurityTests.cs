using Axolotl.Runtime;
using Axolotl.Runtime.Security;

namespace Axolotl.Runtime.Tests.Security;

public sealed class ContainerSecurityTests
{
    [Fact]
    public void Without_capabilities_the_bounding_set_is_containerds_default() =>
        Assert.Equal(0xa80425fbUL, new ContainerSecurity().BoundingSet());

    [Theory]
    [InlineData(new[] { "ALL" }, new string[0], "ALL")]
    [InlineData(new[] { "NET_ADMIN" }, new string[0], "a80435fb")]
    [InlineData(new[] { "cap_net_admin" }, new[] { "KILL" }, "a80435db")]
    [InlineData(new[] { "NET_BIND_SERVICE", "CAP_CHOWN" }, new[] { "ALL" }, "401")]
    [InlineData(new[] { "ALL" }, new[] { "SYS_ADMIN" }, "ALL-SYS_ADMIN")]
    public void Add_and_drop_follow_containerd_ALL_first_then_the_names(string[] add, string[] drop, string expected)
    {
        var mask = new ContainerSecurity { AddCapabilities = add, DropCapabilities = drop }.BoundingSet();
        var wanted = expected switch
        {
            "ALL" => LinuxCapabilities.All,
            "ALL-SYS_ADMIN" => LinuxCapabilities.All & ~(1UL << 21),
            _ => Convert.ToUInt64(expected, 16),
        };
        Assert.Equal(wanted, mask);
    }

    [Fact]
    public void The_default_set_as_names_is_the_default_mask() =>
        Assert.Equal(
            LinuxCapabilities.Default,
            LinuxCapabilities.DefaultNames.Aggregate(0UL, (mask, name) => mask | (1UL << LinuxCapabilities.Number(name)!.Value)));

    [Fact]
    public void Privileged_has_every_capability() =>
        Assert.Equal(LinuxCapabilities.All, new ContainerSecurity { Privileged = true, DropCapabilities = ["ALL"] }.BoundingSet());

    [Fact]
    public void An_unknown_capability_is_a_start_error_naming_it_as_the_runtime_would()
    {
        var e = Assert.Throws<ContainerStartException>(() => new ContainerSecurity { AddCapabilities = ["NO_SUCH"] }.BoundingSet());
        Assert.Equal("unknown capability \"CAP_NO_SUCH\"", e.Message);
    }

    [Fact]
    public void The_launcher_values_carry_every_setting()
    {
        var values = new ContainerSecurity
        {
            NoNewPrivileges = true,
            ReadOnlyRootFilesystem = true,
            HostPid = true,
            HostIpc = true,
            HostNetwork = true,
            Sysctls = [KeyValuePair.Create("net.ipv4.ip_local_port_range", "1 2"), KeyValuePair.Create("net/ipv4/conf/eth0.100/forwarding", "1")],
        }.LauncherValues().ToList();
        Assert.Equal(
            ["caps=a80425fb", "no-new-privs", "read-only-root", "host-pid", "host-ipc", "host-uts",
             "sysctl=net/ipv4/ip_local_port_range=1 2", "sysctl=net/ipv4/conf/eth0.100/forwarding=1"],
            values);
    }
}
