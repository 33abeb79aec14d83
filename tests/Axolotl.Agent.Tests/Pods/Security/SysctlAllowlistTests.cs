using Axolotl.Agent.Pods.Security;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Agent.Tests.Pods.Security;

public sealed class SysctlAllowlistTests
{
    private static Pod PodWith(string name, bool hostNetwork = false, bool hostIpc = false) => new()
    {
        Metadata = new ObjectMeta { Name = "p", Namespace = "default" },
        Spec = new PodSpec
        {
            HostNetwork = hostNetwork,
            HostIPC = hostIpc,
            SecurityContext = new PodSecurityContext { Sysctls = [new Sysctl { Name = name, Value = "1" }] },
            Containers = [],
        },
    };

    [Theory]
    [InlineData("kernel.shm_rmid_forced")]
    [InlineData("net.ipv4.tcp_rmem")]
    [InlineData("net/ipv4/ip_local_port_range")]
    public void Safe_sysctls_are_admitted(string name) => Assert.Null(new SysctlAllowlist([]).Admit(PodWith(name)));

    [Fact]
    public void An_unsafe_sysctl_is_forbidden_unless_the_node_allows_it()
    {
        Assert.Equal("forbidden sysctl: \"kernel.msgmax\" not allowlisted", new SysctlAllowlist([]).Admit(PodWith("kernel.msgmax")));
        Assert.Null(new SysctlAllowlist(["kernel.msg*"]).Admit(PodWith("kernel.msgmax")));
    }

    [Fact]
    public void A_namespaced_sysctl_is_forbidden_when_the_pod_shares_that_namespace_with_the_node()
    {
        Assert.Equal("forbidden sysctl: \"net.ipv4.tcp_syncookies\" not allowed with host net enabled",
            new SysctlAllowlist([]).Admit(PodWith("net.ipv4.tcp_syncookies", hostNetwork: true)));
        Assert.Equal("forbidden sysctl: \"kernel.shm_rmid_forced\" not allowed with host ipc enabled",
            new SysctlAllowlist([]).Admit(PodWith("kernel.shm_rmid_forced", hostIpc: true)));
    }

    [Fact]
    public void The_node_may_only_allow_sysctls_known_to_be_namespaced()
    {
        var e = Assert.Throws<ArgumentException>(() => new SysctlAllowlist(["vm.swappiness"]));
        Assert.Equal("the sysctl \"vm.swappiness\" are not known to be namespaced", e.Message);
    }
}
