using Axolotl.Agent.Status;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Tests.Status;

/// <summary>Pod status with native sidecars (init containers with restartPolicy Always), as upstream's getPhase and condition generators.</summary>
public sealed class SidecarStatusTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static Pod PodWith(string restartPolicy = "Always", Probe? sidecarStartup = null) => new()
    {
        Metadata = new() { Name = "web", Namespace = "default", Uid = "u1" },
        Spec = new PodSpec
        {
            RestartPolicy = restartPolicy,
            InitContainers =
            [
                new Container { Name = "setup", Image = "busybox" },
                new Container { Name = "proxy", Image = "busybox", RestartPolicy = "Always", StartupProbe = sidecarStartup },
            ],
            Containers = [new Container { Name = "app", Image = "busybox" }],
        },
    };

    private static ObservedContainer Running(string name) => new() { Name = name, RunningSince = Now.AddSeconds(-5), ContainerId = name + "-1" };

    private static ObservedContainer Ended(string name, int code) => new()
    {
        Name = name,
        ContainerId = name + "-1",
        Terminated = new ContainerTermination(code, null, ContainerTermination.ReasonFor(code, false), null, Now.AddSeconds(-10), Now.AddSeconds(-1), name + "-1"),
    };

    private static ObservedPod Observed(ObservedContainer[] init, params ObservedContainer[] app)
    {
        var observed = new ObservedPod { SandboxReady = true, PodIp = "10.244.0.5", StartTime = Now.AddMinutes(-1) };
        foreach (var c in init)
        {
            observed.InitContainers[c.Name] = c;
        }
        foreach (var c in app)
        {
            observed.Containers[c.Name] = c;
        }
        return observed;
    }

    private static PodCondition Condition(PodStatus status, string type) => status.Conditions!.Single(c => c.Type == type);

    [Fact]
    public void A_started_sidecar_beside_a_running_app_makes_the_pod_Running_and_Ready_with_the_sidecar_ready()
    {
        var status = PodStatusComputer.Compute(PodWith(), Observed([Ended("setup", 0), Running("proxy")], Running("app")), null, Now);

        Assert.Equal("Running", status.Phase);
        Assert.Equal("True", Condition(status, "Initialized").Status);
        Assert.Equal("True", Condition(status, "Ready").Status);
        var proxy = status.InitContainerStatuses![1];
        Assert.True(proxy.Started);
        Assert.True(proxy.Ready);
        Assert.NotNull(proxy.State!.Running);
    }

    [Fact]
    public void A_sidecar_whose_startup_probe_has_not_passed_keeps_the_pod_Pending_and_not_initialized()
    {
        var pod = PodWith(sidecarStartup: new Probe { Exec = new ExecAction { Command = ["true"] } });
        var probes = new Dictionary<string, ProbeView> { ["proxy"] = new(Started: false, Ready: false) };
        var status = PodStatusComputer.Compute(pod, Observed([Ended("setup", 0), Running("proxy")]), null, Now, probes);

        Assert.Equal("Pending", status.Phase);
        Assert.False(status.InitContainerStatuses![1].Started);
        Assert.Equal("containers with incomplete status: [proxy]", Condition(status, "Initialized").Message);
    }

    [Fact]
    public void An_unready_sidecar_makes_the_pod_unready_and_is_named_before_the_app_containers()
    {
        var probes = new Dictionary<string, ProbeView> { ["proxy"] = new(Started: true, Ready: false), ["app"] = new(Started: true, Ready: false) };
        var status = PodStatusComputer.Compute(PodWith(), Observed([Ended("setup", 0), Running("proxy")], Running("app")), null, Now, probes);

        Assert.Equal("Running", status.Phase);
        Assert.Equal("False", Condition(status, "Ready").Status);
        Assert.Equal("containers with unready status: [proxy app]", Condition(status, "Ready").Message);
    }

    [Fact]
    public void A_sidecar_restarting_after_the_app_started_leaves_the_pod_initialized_and_Running()
    {
        var proxy = Ended("proxy", 1);
        proxy.LastTermination = proxy.Terminated;
        proxy.Terminated = null;
        proxy.WaitingReason = "CrashLoopBackOff";
        var status = PodStatusComputer.Compute(PodWith(), Observed([Ended("setup", 0), proxy], Running("app")), null, Now);

        Assert.Equal("Running", status.Phase);
        Assert.Equal("True", Condition(status, "Initialized").Status);
        Assert.Equal("False", Condition(status, "Ready").Status);
    }

    [Theory]
    [InlineData("Never", 0, "Succeeded")]
    [InlineData("Never", 2, "Failed")]
    [InlineData("OnFailure", 0, "Succeeded")]
    public void Once_the_sidecar_is_stopped_the_pod_completes_by_its_app_containers(string policy, int appExit, string phase)
    {
        var status = PodStatusComputer.Compute(PodWith(policy), Observed([Ended("setup", 0), Ended("proxy", 143)], Ended("app", appExit)), null, Now);

        Assert.Equal(phase, status.Phase);
        Assert.False(status.InitContainerStatuses![1].Ready);
    }

    [Fact]
    public void A_sidecar_still_running_beside_a_finished_app_keeps_the_pod_Running()
    {
        var status = PodStatusComputer.Compute(PodWith("Never"), Observed([Ended("setup", 0), Running("proxy")], Ended("app", 0)), null, Now);

        Assert.Equal("Running", status.Phase);
    }
}
