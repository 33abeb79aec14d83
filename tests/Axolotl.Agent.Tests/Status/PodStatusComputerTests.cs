using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Api.Resources;

namespace Axolotl.Agent.Tests.Status;

public sealed class PodStatusComputerTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static Pod PodWith(string restartPolicy = "Always", string[]? init = null, params string[] containers) => new()
    {
        Metadata = new() { Name = "web", Namespace = "default", Uid = "u1" },
        Spec = new PodSpec
        {
            RestartPolicy = restartPolicy,
            InitContainers = init?.Select(n => new Container { Name = n, Image = "busybox" }).ToList(),
            Containers = (containers.Length == 0 ? ["app"] : containers).Select(n => new Container { Name = n, Image = "busybox" }).ToList(),
        },
    };

    private static ObservedContainer Running(string name, int restarts = 0) =>
        new() { Name = name, RunningSince = Now.AddSeconds(-5), ContainerId = "c1", RestartCount = restarts };

    private static ContainerTermination Exit(int code, string? reason = null) =>
        new(code, null, reason ?? ContainerTermination.ReasonFor(code, false), null, Now.AddSeconds(-10), Now.AddSeconds(-1), "c1");

    private static ObservedPod Observed(params ObservedContainer[] app)
    {
        var observed = new ObservedPod { SandboxReady = true, PodIp = "10.244.0.5", HostIp = "192.168.1.2", StartTime = Now.AddMinutes(-1) };
        foreach (var c in app)
        {
            observed.Containers[c.Name] = c;
        }
        return observed;
    }

    private static string? Condition(PodStatus status, string type) => status.Conditions?.Single(c => c.Type == type).Status;

    [Fact]
    public void A_running_container_makes_the_pod_Running_and_Ready()
    {
        var status = PodStatusComputer.Compute(PodWith(), Observed(Running("app")), null, Now);

        Assert.Equal("Running", status.Phase);
        Assert.Equal("True", Condition(status, "Ready"));
        Assert.Equal("True", Condition(status, "ContainersReady"));
        Assert.Equal("True", Condition(status, "Initialized"));
        Assert.Equal("True", Condition(status, "PodScheduled"));
        Assert.Equal("True", Condition(status, "PodReadyToStartContainers"));
        Assert.Equal(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"], status.Conditions!.Select(c => c.Type));
        var cs = Assert.Single(status.ContainerStatuses!);
        Assert.True(cs.Ready);
        Assert.True(cs.Started);
        Assert.Equal("axolotl://c1", cs.ContainerID);
        Assert.NotNull(cs.State!.Running);
        Assert.Equal("10.244.0.5", status.PodIP);
        Assert.Equal("10.244.0.5", Assert.Single(status.PodIPs!).Ip);
        Assert.Equal("192.168.1.2", status.HostIP);
        Assert.Equal("BestEffort", status.QosClass);
    }

    [Fact]
    public void A_container_not_yet_started_waits_in_ContainerCreating_and_the_pod_is_Pending()
    {
        var status = PodStatusComputer.Compute(PodWith(), Observed(), null, Now);

        Assert.Equal("Pending", status.Phase);
        Assert.Equal("ContainerCreating", status.ContainerStatuses![0].State!.Waiting!.Reason);
        Assert.Equal("False", Condition(status, "Ready"));
        Assert.Equal("containers with unready status: [app]", status.Conditions!.Single(c => c.Type == "Ready").Message);
        Assert.Equal("ContainersNotReady", status.Conditions!.Single(c => c.Type == "ContainersReady").Reason);
    }

    [Fact]
    public void A_container_in_CrashLoopBackOff_shows_waiting_with_the_last_termination_and_the_pod_stays_Running()
    {
        var app = new ObservedContainer
        {
            Name = "app",
            RestartCount = 3,
            ContainerId = "c1",
            LastTermination = Exit(1),
            WaitingReason = "CrashLoopBackOff",
            WaitingMessage = "back-off 40s restarting failed container=app pod=web_default(u1)",
        };
        var status = PodStatusComputer.Compute(PodWith(), Observed(app), null, Now);

        Assert.Equal("Running", status.Phase);
        var cs = status.ContainerStatuses![0];
        Assert.Equal("CrashLoopBackOff", cs.State!.Waiting!.Reason);
        Assert.Equal("back-off 40s restarting failed container=app pod=web_default(u1)", cs.State.Waiting.Message);
        Assert.Equal(1, cs.LastState!.Terminated!.ExitCode);
        Assert.Equal("Error", cs.LastState.Terminated.Reason);
        Assert.Equal(3, cs.RestartCount);
        Assert.False(cs.Ready);
        Assert.False(cs.Started);
    }

    [Theory]
    [InlineData(0, false, "Completed")]
    [InlineData(1, false, "Error")]
    [InlineData(137, true, "OOMKilled")]
    [InlineData(137, false, "Error")]
    [InlineData(143, false, "Error")]
    public void Termination_reasons_follow_the_exit(int code, bool oom, string reason)
    {
        Assert.Equal(reason, ContainerTermination.ReasonFor(code, oom));
    }

    [Theory]
    [InlineData("Never", 0, "Succeeded")]
    [InlineData("Never", 1, "Failed")]
    [InlineData("OnFailure", 0, "Succeeded")]
    [InlineData("Always", 0, "Running")]
    [InlineData("Always", 1, "Running")]
    public void A_terminated_container_gives_the_phase_of_its_restart_policy(string policy, int exitCode, string phase)
    {
        var app = new ObservedContainer { Name = "app", ContainerId = "c1", Terminated = Exit(exitCode) };
        var status = PodStatusComputer.Compute(PodWith(policy), Observed(app), null, Now);

        Assert.Equal(phase, status.Phase);
        Assert.Equal(exitCode, status.ContainerStatuses![0].State!.Terminated!.ExitCode);
        Assert.Equal("axolotl://c1", status.ContainerStatuses![0].State!.Terminated!.ContainerID);
    }

    [Fact]
    public void A_succeeded_pod_reports_PodCompleted_readiness()
    {
        var app = new ObservedContainer { Name = "app", ContainerId = "c1", Terminated = Exit(0) };
        var status = PodStatusComputer.Compute(PodWith("Never"), Observed(app), null, Now);

        var ready = status.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("False", ready.Status);
        Assert.Equal("PodCompleted", ready.Reason);
    }

    [Fact]
    public void An_OOMKilled_container_shows_its_reason_and_exit_137_as_last_state_after_restart()
    {
        var app = Running("app", restarts: 1);
        app.LastTermination = Exit(137, "OOMKilled");
        var status = PodStatusComputer.Compute(PodWith(), Observed(app), null, Now);

        var last = status.ContainerStatuses![0].LastState!.Terminated!;
        Assert.Equal("OOMKilled", last.Reason);
        Assert.Equal(137, last.ExitCode);
        Assert.Equal(1, status.ContainerStatuses[0].RestartCount);
    }

    [Fact]
    public void While_an_init_container_runs_the_pod_is_Pending_and_not_Initialized()
    {
        var pod = PodWith(init: ["setup", "migrate"]);
        var observed = Observed();
        observed.InitContainers["setup"] = Running("setup");
        var status = PodStatusComputer.Compute(pod, observed, null, Now);

        Assert.Equal("Pending", status.Phase);
        var initialized = status.Conditions!.Single(c => c.Type == "Initialized");
        Assert.Equal("False", initialized.Status);
        Assert.Equal("ContainersNotInitialized", initialized.Reason);
        Assert.Equal("containers with incomplete status: [setup migrate]", initialized.Message);
        Assert.Equal("PodInitializing", status.InitContainerStatuses![1].State!.Waiting!.Reason);
        Assert.Equal("PodInitializing", status.ContainerStatuses![0].State!.Waiting!.Reason);
        Assert.False(status.InitContainerStatuses[0].Ready);
    }

    [Fact]
    public void Completed_init_containers_make_the_pod_Initialized()
    {
        var pod = PodWith(init: ["setup"]);
        var observed = Observed(Running("app"));
        observed.InitContainers["setup"] = new ObservedContainer { Name = "setup", ContainerId = "i1", Terminated = Exit(0) };
        var status = PodStatusComputer.Compute(pod, observed, null, Now);

        Assert.Equal("Running", status.Phase);
        Assert.Equal("True", Condition(status, "Initialized"));
        Assert.Equal("Completed", status.InitContainerStatuses![0].State!.Terminated!.Reason);
        Assert.True(status.InitContainerStatuses[0].Ready);
    }

    [Fact]
    public void A_failed_init_container_fails_the_pod_when_restartPolicy_is_Never()
    {
        var pod = PodWith("Never", init: ["setup"]);
        var observed = Observed();
        observed.InitContainers["setup"] = new ObservedContainer { Name = "setup", ContainerId = "i1", Terminated = Exit(2) };
        var status = PodStatusComputer.Compute(pod, observed, null, Now);

        Assert.Equal("Failed", status.Phase);
    }

    [Fact]
    public void A_failed_init_container_in_back_off_keeps_the_pod_Pending_with_an_Always_policy()
    {
        var pod = PodWith("Always", init: ["setup"]);
        var observed = Observed();
        observed.InitContainers["setup"] = new ObservedContainer
        {
            Name = "setup",
            ContainerId = "i1",
            LastTermination = Exit(2),
            WaitingReason = "CrashLoopBackOff",
            RestartCount = 2,
        };
        var status = PodStatusComputer.Compute(pod, observed, null, Now);

        Assert.Equal("Pending", status.Phase);
        Assert.Equal("CrashLoopBackOff", status.InitContainerStatuses![0].State!.Waiting!.Reason);
    }

    [Theory]
    [InlineData("ErrImagePull")]
    [InlineData("ImagePullBackOff")]
    [InlineData("CreateContainerConfigError")]
    public void Waiting_reasons_before_a_first_start_keep_the_pod_Pending(string reason)
    {
        var app = new ObservedContainer { Name = "app", WaitingReason = reason, WaitingMessage = "why" };
        var status = PodStatusComputer.Compute(PodWith(), Observed(app), null, Now);

        Assert.Equal("Pending", status.Phase);
        Assert.Equal(reason, status.ContainerStatuses![0].State!.Waiting!.Reason);
        Assert.Equal("why", status.ContainerStatuses![0].State!.Waiting!.Message);
    }

    [Fact]
    public void A_container_with_a_readiness_probe_is_not_ready_until_the_probe_says_so()
    {
        var pod = PodWith();
        pod.Spec!.Containers[0].ReadinessProbe = new Probe();
        var observed = Observed(Running("app"));

        Assert.False(PodStatusComputer.Compute(pod, observed, null, Now).ContainerStatuses![0].Ready);
        Assert.True(PodStatusComputer.Compute(pod, observed, null, Now, new Dictionary<string, ProbeView> { ["app"] = new(true, true) }).ContainerStatuses![0].Ready);
    }

    [Fact]
    public void A_container_whose_startup_probe_has_not_passed_is_neither_started_nor_ready()
    {
        var pod = PodWith();
        pod.Spec!.Containers[0].StartupProbe = new Probe();
        var observed = Observed(Running("app"));

        var status = PodStatusComputer.Compute(pod, observed, null, Now, new Dictionary<string, ProbeView> { ["app"] = new(Started: false, Ready: true) }).ContainerStatuses![0];
        Assert.False(status.Started);
        Assert.False(status.Ready);
        Assert.False(PodStatusComputer.Compute(pod, observed, null, Now).ContainerStatuses![0].Started);
    }

    [Fact]
    public void Transition_times_are_kept_while_a_condition_does_not_change()
    {
        var first = PodStatusComputer.Compute(PodWith(), Observed(Running("app")), null, Now);
        var second = PodStatusComputer.Compute(PodWith(), Observed(Running("app")), first, Now.AddMinutes(5));
        var notReady = PodStatusComputer.Compute(PodWith(), Observed(), second, Now.AddMinutes(6));

        Assert.Equal(Now, second.Conditions!.Single(c => c.Type == "Ready").LastTransitionTime);
        Assert.Equal(Now.AddMinutes(6), notReady.Conditions!.Single(c => c.Type == "Ready").LastTransitionTime);
    }

    [Fact]
    public void A_late_copy_of_an_earlier_status_does_not_restamp_a_transition_the_agent_already_made()
    {
        var pod = PodWith();
        pod.Spec!.Containers[0].ReadinessProbe = new Probe();
        var observed = Observed(Running("app"));
        var ready = new Dictionary<string, ProbeView> { ["app"] = new(true, true) };
        var notReady = PodStatusComputer.Compute(pod, observed, null, Now);
        var becameReady = PodStatusComputer.Compute(pod, observed, notReady, Now.AddSeconds(1), ready, ownPrevious: notReady);

        // The watch brings the not-ready status back after the ready one was written: the lane's
        // next sync keeps the transition it made, so it has nothing new to write.
        var later = PodStatusComputer.Compute(pod, observed, notReady, Now.AddSeconds(2), ready, ownPrevious: becameReady);

        Assert.Equal(Now.AddSeconds(1), becameReady.Conditions!.Single(c => c.Type == "Ready").LastTransitionTime);
        Assert.Equal(Now.AddSeconds(1), later.Conditions!.Single(c => c.Type == "Ready").LastTransitionTime);
        Assert.Equal(Now.AddSeconds(1), later.Conditions!.Single(c => c.Type == "ContainersReady").LastTransitionTime);
        Assert.Equal(Now.AddSeconds(2), PodStatusComputer.Compute(pod, observed, notReady, Now.AddSeconds(2), ready).Conditions!.Single(c => c.Type == "Ready").LastTransitionTime);
    }

    [Fact]
    public void Conditions_others_own_keep_the_transition_the_API_holds()
    {
        var pod = PodWith();
        pod.Spec!.ReadinessGates = [new PodReadinessGate { ConditionType = "example.com/gate" }];
        var gate = new PodCondition { Type = "example.com/gate", Status = "True", LastTransitionTime = Now.AddMinutes(-3) };
        var api = new PodStatus { Conditions = [gate] };
        var own = new PodStatus { Conditions = [new PodCondition { Type = "example.com/gate", Status = "True", LastTransitionTime = Now }] };

        var status = PodStatusComputer.Compute(pod, Observed(Running("app")), api, Now, ownPrevious: own);

        Assert.Equal(Now.AddMinutes(-3), status.Conditions!.Single(c => c.Type == "example.com/gate").LastTransitionTime);
        Assert.Equal("True", Condition(status, "Ready"));
    }

    private static Container WithResources(string? cpuReq, string? memReq, string? cpuLim, string? memLim)
    {
        Dictionary<string, Quantity>? Map(string? cpu, string? mem)
        {
            var map = new Dictionary<string, Quantity>();
            if (cpu is not null)
            {
                map["cpu"] = Quantity.Parse(cpu);
            }
            if (mem is not null)
            {
                map["memory"] = Quantity.Parse(mem);
            }
            return map.Count == 0 ? null : map;
        }
        return new Container { Name = "c", Resources = new ResourceRequirements { Requests = Map(cpuReq, memReq), Limits = Map(cpuLim, memLim) } };
    }

    [Theory]
    [InlineData(null, null, null, null, "BestEffort")]
    [InlineData("100m", "64Mi", "100m", "64Mi", "Guaranteed")]
    [InlineData("100m", null, null, null, "Burstable")]
    [InlineData("100m", "64Mi", "200m", "64Mi", "Burstable")]
    [InlineData(null, null, "100m", null, "Burstable")]
    [InlineData("0.1", "67108864", "100m", "64Mi", "Guaranteed")]
    public void The_QoS_class_is_computed_as_upstream(string? cpuReq, string? memReq, string? cpuLim, string? memLim, string expected)
    {
        var spec = new PodSpec { Containers = [WithResources(cpuReq, memReq, cpuLim, memLim)] };
        Assert.Equal(expected, PodStatusComputer.QosClassOf(spec));
    }

    [Fact]
    public void One_container_without_limits_makes_an_otherwise_guaranteed_pod_Burstable()
    {
        var spec = new PodSpec { Containers = [WithResources("1", "1Gi", "1", "1Gi"), WithResources("100m", null, null, null)] };
        Assert.Equal("Burstable", PodStatusComputer.QosClassOf(spec));
    }

    [Fact]
    public void A_readiness_gate_without_its_condition_keeps_the_pod_unready_with_the_kubelets_message()
    {
        var pod = PodWith();
        pod.Spec!.ReadinessGates = [new PodReadinessGate { ConditionType = "example.com/a" }, new PodReadinessGate { ConditionType = "example.com/b" }];
        var previous = new PodStatus { Conditions = [new PodCondition { Type = "example.com/b", Status = "False" }] };

        var status = PodStatusComputer.Compute(pod, Observed(Running("app")), previous, Now);

        var ready = status.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal(("False", "ReadinessGatesNotReady"), (ready.Status, ready.Reason));
        Assert.Equal("corresponding condition of pod readiness gate \"example.com/a\" does not exist., the status of pod readiness gate \"example.com/b\" is not \"True\", but False", ready.Message);
        Assert.Equal("True", Condition(status, "ContainersReady"));
        // The gate's condition belongs to whoever set it: carried over as it was.
        Assert.Equal("False", Condition(status, "example.com/b"));
    }

    [Fact]
    public void Readiness_gates_whose_conditions_are_True_leave_the_pod_Ready()
    {
        var pod = PodWith();
        pod.Spec!.ReadinessGates = [new PodReadinessGate { ConditionType = "example.com/a" }];
        var previous = new PodStatus { Conditions = [new PodCondition { Type = "example.com/a", Status = "True" }, new PodCondition { Type = "Ready", Status = "False" }] };

        var status = PodStatusComputer.Compute(pod, Observed(Running("app")), previous, Now);

        Assert.Equal("True", Condition(status, "Ready"));
        Assert.Single(status.Conditions!, c => c.Type == "Ready");
    }
}
