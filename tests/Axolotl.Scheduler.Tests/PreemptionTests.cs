using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Policy;
using Axolotl.Scheduler.Framework;
using Axolotl.Scheduler.Preemption;

namespace Axolotl.Scheduler.Tests;

public sealed class PreemptionTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly SchedulingAlgorithm _algorithm = SchedulingAlgorithm.CreateDefault();

    private static Pod Prioritized(string name, int priority, string cpu = "1", int startedMinutesAgo = 10)
    {
        var pod = Build.Pod(name, cpu: cpu);
        pod.Spec!.Priority = priority;
        pod.Status = new PodStatus { StartTime = Now.AddMinutes(-startedMinutesAgo) };
        return pod;
    }

    private ScheduleResult Schedule(Pod pod, IReadOnlyList<NodeInfo> nodes, params PodDisruptionBudget[] budgets) =>
        _algorithm.Schedule(pod, nodes, new CycleContext(budgets, [], Now));

    /// <summary>Schedules on one node, requires that nobody be preempted, and returns the message.</summary>
    private string NoPreemption(Pod pod, NodeInfo node)
    {
        var result = Schedule(pod, [node]);
        Assert.Null(result.Preemption);
        return result.FailureMessage!;
    }

    private static PodDisruptionBudget Budget(string app, int allowed) => new()
    {
        Metadata = new ObjectMeta { Name = "pdb-" + app, Namespace = "default" },
        Spec = new PodDisruptionBudgetSpec { Selector = new LabelSelector { MatchLabels = new() { ["app"] = app } } },
        Status = new PodDisruptionBudgetStatus { DisruptionsAllowed = allowed },
    };

    [Fact]
    public void Only_as_many_lower_priority_pods_as_needed_become_victims_the_least_important_first()
    {
        // 2 cpu node full of three lower-priority pods; the pod needs 1 cpu: one victim, the lowest priority.
        var node = Build.Info(Build.Node("a", cpu: "3"), Prioritized("mid", 50), Prioritized("low", 10), Prioritized("high", 200));

        var result = Schedule(Prioritized("p", 100), [node]);

        Assert.Null(result.NodeName);
        var candidate = Assert.IsType<PreemptionCandidate>(result.Preemption);
        Assert.Equal("a", candidate.NodeName);
        Assert.Equal(["low"], candidate.Victims.Select(v => v.Metadata.Name));
        // A preemption that makes room leaves the message with the filters' words only.
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu.", result.FailureMessage);
    }

    [Fact]
    public void Pods_of_equal_or_higher_priority_are_never_victims()
    {
        var node = Build.Info(Build.Node("a", cpu: "2"), Prioritized("same", 100), Prioritized("higher", 200));

        var result = Schedule(Prioritized("p", 100), [node]);

        Assert.Null(result.Preemption);
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
            result.FailureMessage);
    }

    [Fact]
    public void A_pod_with_preemptionPolicy_Never_preempts_nobody()
    {
        var node = Build.Info(Build.Node("a", cpu: "1"), Prioritized("low", 0));
        var pod = Prioritized("p", 100);
        pod.Spec!.PreemptionPolicy = "Never";

        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.", NoPreemption(pod, node));
    }

    [Fact]
    public void The_node_whose_victims_break_no_disruption_budget_wins()
    {
        var guarded = Build.Info(Build.Node("a", cpu: "1"), Prioritized("guarded", 0).Labeled("app", "db"));
        var free = Build.Info(Build.Node("b", cpu: "1"), Prioritized("plain", 50).Labeled("app", "web"));

        var result = Schedule(Prioritized("p", 100), [guarded, free], Budget("db", allowed: 0));

        // Without the budget node a would win (its victim has the lower priority).
        Assert.Equal("b", result.Preemption!.NodeName);
        Assert.Equal("a", Schedule(Prioritized("p", 100), [guarded, free]).Preemption!.NodeName);
    }

    [Fact]
    public void A_victim_a_budget_protects_is_given_back_first_when_another_victim_makes_room()
    {
        // Either pod alone makes room; the guarded one is offered its reprieve first and keeps its place.
        var node = Build.Info(Build.Node("a", cpu: "2"),
            Prioritized("guarded", 50).Labeled("app", "db"), Prioritized("plain", 10).Labeled("app", "web"));

        var candidate = Schedule(Prioritized("p", 100), [node], Budget("db", allowed: 0)).Preemption!;

        Assert.Equal(["plain"], candidate.Victims.Select(v => v.Metadata.Name));
        Assert.Equal(0, candidate.DisruptionBudgetViolations);
    }

    [Fact]
    public void Violations_are_counted_when_only_a_guarded_pod_can_make_room()
    {
        var node = Build.Info(Build.Node("a", cpu: "1"), Prioritized("guarded", 0).Labeled("app", "db"));

        var candidate = Schedule(Prioritized("p", 100), [node], Budget("db", allowed: 0)).Preemption!;

        Assert.Equal(["guarded"], candidate.Victims.Select(v => v.Metadata.Name));
        Assert.Equal(1, candidate.DisruptionBudgetViolations);
    }

    [Fact]
    public void A_budget_with_disruptions_allowed_is_spent_one_victim_at_a_time()
    {
        var pods = new[] { Prioritized("a", 0).Labeled("app", "db"), Prioritized("b", 0).Labeled("app", "db") };

        var (violating, nonViolating) = DisruptionBudgetCheck.Split(pods, [Budget("db", allowed: 1)]);

        Assert.Equal(["b"], violating.Select(p => p.Metadata.Name));
        Assert.Equal(["a"], nonViolating.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Between_nodes_the_lower_highest_victim_priority_wins()
    {
        var a = Build.Info(Build.Node("a", cpu: "1"), Prioritized("a1", 50));
        var b = Build.Info(Build.Node("b", cpu: "1"), Prioritized("b1", 20));

        Assert.Equal("b", Schedule(Prioritized("p", 100), [a, b]).Preemption!.NodeName);
    }

    [Fact]
    public void Then_the_lower_sum_of_victim_priorities_each_counted_as_non_negative()
    {
        // Same highest victim priority (20); a's victims sum to 40, b's to 20.
        var a = Build.Info(Build.Node("a", cpu: "1"), Prioritized("a1", 20, "500m"), Prioritized("a2", 20, "500m"));
        var b = Build.Info(Build.Node("b", cpu: "1"), Prioritized("b1", 20));
        Assert.Equal("b", Schedule(Prioritized("p", 100), [a, b]).Preemption!.NodeName);

        // Sums count every victim as non-negative (shifted by 2^31), so two victims of -100 weigh more than one.
        var c = Build.Info(Build.Node("c", cpu: "1"), Prioritized("c1", -100, "500m"), Prioritized("c2", -100, "500m"));
        var d = Build.Info(Build.Node("d", cpu: "1"), Prioritized("d1", -100));
        var candidate = Schedule(Prioritized("p", 100), [c, d]).Preemption!;
        Assert.Equal("d", candidate.NodeName);
        Assert.Equal(["d1"], candidate.Victims.Select(v => v.Metadata.Name));
    }

    [Fact]
    public void Then_the_node_whose_highest_priority_victims_started_latest()
    {
        var old = Build.Info(Build.Node("a", cpu: "1"), Prioritized("old", 10, startedMinutesAgo: 60));
        var young = Build.Info(Build.Node("b", cpu: "1"), Prioritized("young", 10, startedMinutesAgo: 1));

        Assert.Equal("b", Schedule(Prioritized("p", 100), [old, young]).Preemption!.NodeName);
    }

    [Fact]
    public void Nodes_rejected_for_unresolvable_reasons_are_not_helpful_and_others_report_what_still_fails()
    {
        var cordoned = Build.Node("a", cpu: "8");
        cordoned.Spec!.Unschedulable = true;
        var small = Build.Info(Build.Node("b", cpu: "1"), Prioritized("low", 0, "500m"));

        var result = Schedule(Prioritized("p", 100, cpu: "2"), [Build.Info(cordoned), small]);

        Assert.Null(result.Preemption);
        Assert.Equal("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. "
            + "preemption: 0/2 nodes are available: 1 Insufficient cpu, 1 Preemption is not helpful for scheduling.", result.FailureMessage);
    }

    [Fact]
    public void A_pod_whose_nominated_node_still_has_a_victim_terminating_waits_instead_of_preempting_again()
    {
        var victim = Prioritized("victim", 0);
        victim.Metadata.DeletionTimestamp = Now;
        victim.Status!.Conditions = [new PodCondition { Type = "DisruptionTarget", Status = "True", Reason = "PreemptionByScheduler" }];
        var node = Build.Info(Build.Node("a", cpu: "1"), victim);
        var pod = Prioritized("p", 100);
        pod.Status!.NominatedNodeName = "a";

        Assert.EndsWith("preemption: not eligible due to a terminating pod on the nominated node.", NoPreemption(pod, node));
    }

    [Fact]
    public void A_pod_nominated_to_a_node_holds_its_room_against_pods_of_no_higher_priority()
    {
        var nominated = Prioritized("nominated", 100);
        nominated.Status!.NominatedNodeName = "a";
        var node = Build.Info(Build.Node("a", cpu: "1"));

        var lower = _algorithm.Schedule(Prioritized("lower", 50), [node], new CycleContext([], [nominated], Now));
        var higher = _algorithm.Schedule(Prioritized("higher", 200), [node], new CycleContext([], [nominated], Now));

        Assert.Null(lower.NodeName);
        Assert.Equal("a", higher.NodeName);
    }
}
