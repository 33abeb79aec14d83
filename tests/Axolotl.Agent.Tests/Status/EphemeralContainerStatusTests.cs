using Axolotl.Agent.Pods;
using Axolotl.Agent.Status;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Tests.Status;

/// <summary>Ephemeral containers in the pod status, and the worker's rule that starts each once.</summary>
public sealed class EphemeralContainerStatusTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static Pod PodWithDebugger() => new()
    {
        Metadata = new() { Name = "web", Namespace = "default", Uid = "u1" },
        Spec = new PodSpec
        {
            Containers = [new Container { Name = "app", Image = "busybox" }],
            EphemeralContainers = [new EphemeralContainer { Name = "debugger", Image = "busybox", TargetContainerName = "app" }],
        },
    };

    private static ObservedPod Observed()
    {
        var observed = new ObservedPod { SandboxReady = true, PodIp = "10.244.0.5", HostIp = "192.168.1.2", StartTime = Now.AddMinutes(-1) };
        observed.Containers["app"] = new ObservedContainer { Name = "app", RunningSince = Now.AddSeconds(-30), ContainerId = "c1" };
        return observed;
    }

    [Fact]
    public void A_running_ephemeral_container_is_reported_apart_never_ready_and_without_started()
    {
        var observed = Observed();
        observed.EphemeralContainers["debugger"] = new ObservedContainer { Name = "debugger", RunningSince = Now.AddSeconds(-5), ContainerId = "c2" };

        var status = PodStatusComputer.Compute(PodWithDebugger(), observed, null, Now);

        var debugger = Assert.Single(status.EphemeralContainerStatuses!);
        Assert.Equal("debugger", debugger.Name);
        Assert.NotNull(debugger.State!.Running);
        Assert.False(debugger.Ready);
        Assert.Null(debugger.Started);
        Assert.Equal(["app"], status.ContainerStatuses!.Select(c => c.Name));
        // The pod's readiness is its containers': a debugger does not make it unready.
        Assert.Equal("True", status.Conditions!.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public void An_ephemeral_container_not_yet_started_waits_in_ContainerCreating_and_an_ended_one_does_not_end_the_pod()
    {
        var waiting = PodStatusComputer.Compute(PodWithDebugger(), Observed(), null, Now);
        Assert.Equal("ContainerCreating", waiting.EphemeralContainerStatuses!.Single().State!.Waiting!.Reason);

        var observed = Observed();
        observed.EphemeralContainers["debugger"] = new ObservedContainer
        {
            Name = "debugger",
            ContainerId = "c2",
            Terminated = new ContainerTermination(0, null, "Completed", null, Now.AddSeconds(-9), Now.AddSeconds(-1), "c2"),
        };
        var ended = PodStatusComputer.Compute(PodWithDebugger(), observed, null, Now);

        Assert.Equal(0, ended.EphemeralContainerStatuses!.Single().State!.Terminated!.ExitCode);
        Assert.Equal("Running", ended.Phase);
    }

    [Fact]
    public void A_pod_without_ephemeral_containers_has_no_such_statuses()
    {
        var pod = PodWithDebugger();
        pod.Spec!.EphemeralContainers = null;

        Assert.Null(PodStatusComputer.Compute(pod, Observed(), null, Now).EphemeralContainerStatuses);
    }

    [Fact]
    public void An_ephemeral_container_starts_once_and_is_never_restarted()
    {
        Assert.True(PodWorker.ShouldStartEphemeral(new ObservedContainer { Name = "d" }, exited: false));
        Assert.True(PodWorker.ShouldStartEphemeral(new ObservedContainer { Name = "d", WaitingReason = "ErrImagePull" }, exited: false));
        Assert.False(PodWorker.ShouldStartEphemeral(new ObservedContainer { Name = "d", RunningSince = Now }, exited: false));
        Assert.False(PodWorker.ShouldStartEphemeral(new ObservedContainer { Name = "d" }, exited: true));
        Assert.False(PodWorker.ShouldStartEphemeral(new ObservedContainer
        {
            Name = "d",
            Terminated = new ContainerTermination(1, null, "Error", null, Now, Now, "c2"),
        }, exited: false));
    }
}
