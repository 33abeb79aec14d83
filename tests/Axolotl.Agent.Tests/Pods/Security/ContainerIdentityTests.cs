using Axolotl.Agent.Pods;
using Axolotl.Agent.Pods.Security;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Agent.Tests.Pods.Security;

public sealed class ContainerIdentityTests
{
    private static readonly Pod Pod = new() { Metadata = new ObjectMeta { Name = "web", Namespace = "ns", Uid = "u-1" }, Spec = new PodSpec { Containers = [] } };
    private static readonly Container App = new() { Name = "app" };

    private static EffectiveSecurityContext NonRoot(long? runAsUser = null) => new(runAsUser, null, true, false, null, false, [], []);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0:1000")]
    public void An_image_running_as_root_breaks_runAsNonRoot(string? imageUser)
    {
        var e = Assert.Throws<ContainerConfigException>(() => ContainerIdentity.VerifyRunAsNonRoot(Pod, App, NonRoot(), imageUser));
        Assert.Equal("container has runAsNonRoot and image will run as root (pod: \"web_ns(u-1)\", container: app)", e.Message);
    }

    [Fact]
    public void A_named_image_user_cannot_be_verified()
    {
        var e = Assert.Throws<ContainerConfigException>(() => ContainerIdentity.VerifyRunAsNonRoot(Pod, App, NonRoot(), "nginx"));
        Assert.Equal("container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root (pod: \"web_ns(u-1)\", container: app)", e.Message);
    }

    [Fact]
    public void RunAsUser_zero_breaks_the_policy_and_any_other_passes()
    {
        var e = Assert.Throws<ContainerConfigException>(() => ContainerIdentity.VerifyRunAsNonRoot(Pod, App, NonRoot(0), "1000"));
        Assert.Equal("container's runAsUser breaks non-root policy (pod: \"web_ns(u-1)\", container: app)", e.Message);
        ContainerIdentity.VerifyRunAsNonRoot(Pod, App, NonRoot(1000), null);
        ContainerIdentity.VerifyRunAsNonRoot(Pod, App, NonRoot(), "1000:0");
    }

    [Fact]
    public void The_container_wins_over_the_pod()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "p" },
            Spec = new PodSpec { SecurityContext = new PodSecurityContext { RunAsUser = 1, RunAsGroup = 2, RunAsNonRoot = true }, Containers = [] },
        };
        var context = EffectiveSecurityContext.For(pod, new Container { Name = "c", SecurityContext = new SecurityContext { RunAsUser = 5, RunAsNonRoot = false } });
        Assert.Equal((5L, 2L, false), (context.RunAsUser!.Value, context.RunAsGroup!.Value, context.RunAsNonRoot!.Value));
    }
}
