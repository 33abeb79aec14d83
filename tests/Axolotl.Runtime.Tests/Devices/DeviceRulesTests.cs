using Axolotl.Runtime;
using Axolotl.Runtime.Devices;
using Axolotl.Runtime.Security;

namespace Axolotl.Runtime.Tests.Devices;

/// <summary>Which devices each kind of container gets: runc's allow-list, or all of them when privileged.</summary>
public sealed class DeviceRulesTests
{
    private static ContainerSpec Spec(ContainerSecurity? security) =>
        new("pod", "c", ["true"], new Dictionary<string, string>(), null, "/dev/null") { Security = security };

    [Fact]
    public void A_default_container_gets_runcs_allow_list_in_devices_allow_form()
    {
        Assert.Equal(
            ["c *:* m", "b *:* m", "c 1:3 rwm", "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm", "c 1:5 rwm", "c 1:9 rwm", "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm"],
            DeviceRules.For(Spec(null)).Select(r => r.V1Line));
    }

    [Fact]
    public void Capabilities_host_namespaces_and_a_read_only_root_grant_no_device()
    {
        var spec = Spec(new ContainerSecurity { AddCapabilities = ["ALL"], HostPid = true, HostIpc = true, HostNetwork = true, ReadOnlyRootFilesystem = true });
        Assert.Same(DeviceRules.Default, DeviceRules.For(spec));
    }

    [Fact]
    public void A_privileged_container_gets_every_device()
    {
        Assert.Equal(["a *:* rwm"], DeviceRules.For(Spec(new ContainerSecurity { Privileged = true })).Select(r => r.V1Line));
    }

    [Theory]
    [InlineData('b', 7, 0, "m", true)] // mknod of a loop device: allowed (CAP_MKNOD is a default)
    [InlineData('b', 7, 0, "r", false)] // ... opening it: not
    [InlineData('b', 8, 0, "rw", false)] // the node's disk
    [InlineData('c', 1, 1, "r", false)] // /dev/mem
    [InlineData('c', 1, 11, "w", false)] // /dev/kmsg
    [InlineData('c', 5, 1, "rw", false)] // /dev/console: runc no longer lists it
    [InlineData('c', 10, 229, "rw", false)] // /dev/fuse
    [InlineData('c', 1, 3, "rwm", true)] // null
    [InlineData('c', 1, 5, "r", true)] // zero
    [InlineData('c', 1, 9, "r", true)] // urandom
    [InlineData('c', 5, 0, "rw", true)] // tty
    [InlineData('c', 5, 2, "rw", true)] // ptmx
    [InlineData('c', 136, 7, "rw", true)] // a pts
    [InlineData('c', 10, 200, "rw", true)] // tun
    public void The_default_list_decides_as_the_kernel_would(char type, long major, long minor, string access, bool allowed)
    {
        Assert.Equal(allowed, DeviceRules.Allows(DeviceRules.Default, type, major, minor, access));
        Assert.True(DeviceRules.Allows(DeviceRules.AllowAll, type, major, minor, access));
    }

    [Fact]
    public void Access_must_lie_within_one_rule_not_across_rules()
    {
        // "m" from one rule and "r" from another do not make "rm": the kernel checks each rule alone.
        IReadOnlyList<DeviceRule> rules = [new('c', 1, 1, "m"), new('c', 1, 1, "r")];
        Assert.True(DeviceRules.Allows(rules, 'c', 1, 1, "r"));
        Assert.False(DeviceRules.Allows(rules, 'c', 1, 1, "rm"));
    }
}
