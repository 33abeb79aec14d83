using System.Globalization;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scheduling;

/// <summary>
/// PriorityClasses and preemption through kubectl on four fake nodes: classes made with `kubectl create
/// priorityclass`, listed with upstream's columns; the server's node filled with low-priority pods; a
/// preemptionPolicy Never pod waits without evicting anyone; a high-priority pod evicts one low-priority
/// pod and runs in its place, with the Preempted event on the victim; a PodDisruptionBudget steers the choice of
/// victim. Bad classes and unknown class names are refused with upstream's words.
/// </summary>
public sealed class PriorityPreemptionTests(FourFakeNodes nodes) : IClassFixture<FourFakeNodes>
{
    private Kubectl Kubectl => nodes.Kubectl;

    private string Node => nodes.Server.NodeName;

    private string PodOn(string ns, string name, string priorityClass, long milliCpu, string? node = null, string app = "filler") => $$$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{{name}}}, namespace: {{{ns}}}, labels: {app: {{{app}}}}}
        spec:
          priorityClassName: {{{priorityClass}}}
          nodeSelector: {kubernetes.io/hostname: {{{node ?? Node}}}}
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: "nginx:1.25"
            resources: {requests: {cpu: {{{milliCpu}}}m}}
        """;

    [Fact]
    public async Task A_high_priority_pod_preempts_a_low_priority_pod_and_runs_in_its_place()
    {
        await Kubectl.OkAsync("create", "namespace", "preempt");
        await Kubectl.OkAsync("create", "priorityclass", "low", "--value=100", "--description=fillers");
        await Kubectl.OkAsync("create", "priorityclass", "high", "--value=1000");
        await Kubectl.OkAsync("create", "priorityclass", "polite", "--value=5000", "--preemption-policy=Never");

        var classes = TableText.Lines(await Kubectl.OkAsync("get", "pc")).ToList();
        Assert.Equal(["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"], TableText.Cells(classes[0]));
        var critical = TableText.Cells(classes.Single(l => l.StartsWith("system-node-critical ", StringComparison.Ordinal)));
        Assert.Equal(("2000001000", "false", "PreemptLowerPriority"), (critical[1], critical[2], critical[4]));
        Assert.Equal("Never", TableText.Cells(classes.Single(l => l.StartsWith("polite ", StringComparison.Ordinal)))[4]);

        // Two fillers take 90% of the node's cpu.
        var allocatable = await Kubectl.OkAsync("get", "node", Node, "-o", "jsonpath={.status.allocatable.cpu}");
        var milli = allocatable.EndsWith('m') ? long.Parse(allocatable[..^1], CultureInfo.InvariantCulture) : long.Parse(allocatable, CultureInfo.InvariantCulture) * 1000;
        await Kubectl.OkWithInputAsync(PodOn("preempt", "low-1", "low", milli * 45 / 100), "apply", "-f", "-");
        await Kubectl.OkWithInputAsync(PodOn("preempt", "low-2", "low", milli * 45 / 100), "apply", "-f", "-");
        await PhasesAsync(p => p.GetValueOrDefault("low-1") == "Running" && p.GetValueOrDefault("low-2") == "Running", "both fillers Running");
        Assert.Equal("100", await Kubectl.OkAsync("get", "pod", "low-1", "-n", "preempt", "-o", "jsonpath={.spec.priority}"));

        // preemptionPolicy Never: it waits, and nobody is evicted for it.
        await Kubectl.OkWithInputAsync(PodOn("preempt", "polite", "polite", milli * 40 / 100), "apply", "-f", "-");
        var politeEvent = await FailedSchedulingAsync("polite");
        Assert.Contains($"0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't match Pod's node affinity/selector. preemption: not eligible due to preemptionPolicy=Never.",
            politeEvent, StringComparison.Ordinal);
        Assert.Equal("Never", await Kubectl.OkAsync("get", "pod", "polite", "-n", "preempt", "-o", "jsonpath={.spec.preemptionPolicy}"));
        await Kubectl.OkAsync("delete", "pod", "polite", "-n", "preempt");

        await Kubectl.OkWithInputAsync(PodOn("preempt", "urgent", "high", milli * 40 / 100), "apply", "-f", "-");
        var phases = await PhasesAsync(p => p.GetValueOrDefault("urgent") == "Running" && p.Count == 2, "the preemptor Running beside one filler");
        var survivor = Assert.Single(phases.Keys, k => k.StartsWith("low-", StringComparison.Ordinal));
        var victim = survivor == "low-1" ? "low-2" : "low-1";
        Assert.Equal("Running", phases[survivor]);
        Assert.Equal(Node, await Kubectl.OkAsync("get", "pod", "urgent", "-n", "preempt", "-o", "jsonpath={.spec.nodeName}"));
        Assert.Equal(Node, await Kubectl.OkAsync("get", "pod", "urgent", "-n", "preempt", "-o", "jsonpath={.status.nominatedNodeName}"));

        var uid = await Kubectl.OkAsync("get", "pod", "urgent", "-n", "preempt", "-o", "jsonpath={.metadata.uid}");
        var preempted = await Eventually.KubectlAsync(Kubectl, r => r.Stdout.Contains("Preempted", StringComparison.Ordinal), "the Preempted event",
            "get", "events", "-n", "preempt", "--field-selector", $"involvedObject.name={victim}", "-o", "custom-columns=REASON:.reason,MESSAGE:.message", "--no-headers");
        Assert.Contains($"Preempted by pod {uid} on node {Node}", preempted.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't match Pod's node affinity/selector.", await FailedSchedulingAsync("urgent"), StringComparison.Ordinal);
        var all = await Kubectl.OkAsync("get", "events", "-n", "preempt");
        Assert.Contains("Preempted", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_preemptor_evicts_the_pod_no_disruption_budget_protects_though_the_protected_one_is_less_important()
    {
        const string ns = "preempt-pdb";
        var node = nodes.Prefix + "2";
        await Kubectl.OkAsync("create", "namespace", ns);
        await Kubectl.OkAsync("create", "priorityclass", "pdb-low", "--value=200");
        await Kubectl.OkAsync("create", "priorityclass", "pdb-high", "--value=2000");
        var allocatable = await Kubectl.OkAsync("get", "node", node, "-o", "jsonpath={.status.allocatable.cpu}");
        var milli = allocatable.EndsWith('m') ? long.Parse(allocatable[..^1], CultureInfo.InvariantCulture) : long.Parse(allocatable, CultureInfo.InvariantCulture) * 1000;

        // Of two pods of one priority, the one that started first is the more important and kube-scheduler gives it back
        // first: without a budget the younger, guarded pod would be the victim.
        await Kubectl.OkWithInputAsync(PodOn(ns, "older", "pdb-low", milli * 45 / 100, node), "apply", "-f", "-");
        await PhasesAsync(ns, p => p.GetValueOrDefault("older") == "Running", "the older filler Running");
        await Kubectl.OkWithInputAsync(PodOn(ns, "guarded", "pdb-low", milli * 45 / 100, node, app: "guarded"), "apply", "-f", "-");
        await PhasesAsync(ns, p => p.GetValueOrDefault("guarded") == "Running", "the guarded filler Running");
        await Kubectl.OkAsync("create", "poddisruptionbudget", "keep-one", "-n", ns, "--selector=app=guarded", "--min-available=1");
        await Eventually.KubectlAsync(Kubectl, r => r.Stdout == "1 0", "the budget counting its one healthy pod and allowing no disruption",
            "get", "pdb", "keep-one", "-n", ns, "-o", "jsonpath={.status.currentHealthy} {.status.disruptionsAllowed}");

        await Kubectl.OkWithInputAsync(PodOn(ns, "urgent", "pdb-high", milli * 40 / 100, node, app: "urgent"), "apply", "-f", "-");

        var phases = await PhasesAsync(ns, p => p.GetValueOrDefault("urgent") == "Running" && !p.ContainsKey("older"), "the preemptor Running and the older filler gone");
        Assert.Equal("Running", phases["guarded"]);
        Assert.Equal(node, await Kubectl.OkAsync("get", "pod", "urgent", "-n", ns, "-o", "jsonpath={.spec.nodeName}"));
        var preempted = await Eventually.KubectlAsync(Kubectl, r => r.Stdout.Contains("Preempted", StringComparison.Ordinal), "the Preempted event on the older filler",
            "get", "events", "-n", ns, "--field-selector", "involvedObject.name=older", "-o", "custom-columns=REASON:.reason", "--no-headers");
        Assert.Contains("Preempted", preempted.Stdout, StringComparison.Ordinal);
        Assert.Equal("1 0", await Kubectl.OkAsync("get", "pdb", "keep-one", "-n", ns, "-o", "jsonpath={.status.currentHealthy} {.status.disruptionsAllowed}"));
    }

    [Fact]
    public async Task Unknown_classes_bad_classes_and_deleting_a_system_class_are_refused_with_upstreams_words()
    {
        await Kubectl.OkAsync("create", "namespace", "refuse");
        var unknown = await Kubectl.RunAsync(["apply", "-f", "-"], PodOn("refuse", "lost", "ghost", 10));
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("pods \"lost\" is forbidden: no PriorityClass with name ghost was found", unknown.Stderr, StringComparison.Ordinal);

        var tooHigh = await Kubectl.FailAsync("create", "priorityclass", "greedy", "--value=1000000001");
        Assert.Contains("value: Forbidden: maximum allowed value of a user defined priority is 1000000000", tooHigh, StringComparison.Ordinal);
        var reserved = await Kubectl.FailAsync("create", "priorityclass", "system-mine", "--value=10");
        Assert.Contains("priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class", reserved, StringComparison.Ordinal);

        await Kubectl.OkAsync("create", "priorityclass", "everyone", "--value=10", "--global-default");
        var second = await Kubectl.FailAsync("create", "priorityclass", "everyone-else", "--value=20", "--global-default");
        Assert.Contains("PriorityClass everyone is marked as default. Only one default can exist", second, StringComparison.Ordinal);
        var immutable = await Kubectl.FailAsync("patch", "pc", "everyone", "--type=merge", "-p", "{\"value\":11}");
        Assert.Contains("value: Forbidden: may not be changed in an update.", immutable, StringComparison.Ordinal);
        // A pod naming no class gets the global default.
        await Kubectl.OkAsync("run", "plain", "-n", "refuse", "--image=nginx:1.25");
        Assert.Equal("everyone 10", await Kubectl.OkAsync("get", "pod", "plain", "-n", "refuse", "-o", "jsonpath={.spec.priorityClassName} {.spec.priority}"));
        await Kubectl.OkAsync("delete", "pc", "everyone");

        var system = await Kubectl.FailAsync("delete", "pc", "system-node-critical");
        Assert.Contains("priorityclasses.scheduling.k8s.io \"system-node-critical\" is forbidden: this is a system priority class and cannot be deleted", system, StringComparison.Ordinal);
        Assert.Contains("PreemptLowerPriority", await Kubectl.OkAsync("explain", "priorityclass.preemptionPolicy"), StringComparison.Ordinal);
    }

    private async Task<string> FailedSchedulingAsync(string pod)
    {
        var events = await Eventually.KubectlAsync(Kubectl, r => r.Stdout.Contains("FailedScheduling", StringComparison.Ordinal), $"a FailedScheduling event for {pod}",
            "get", "events", "-n", "preempt", "--field-selector", $"involvedObject.name={pod}", "-o", "custom-columns=REASON:.reason,MESSAGE:.message", "--no-headers");
        return events.Stdout.Split("FailedScheduling", 2)[1].Trim();
    }

    private Task<Dictionary<string, string>> PhasesAsync(Func<Dictionary<string, string>, bool> done, string what) => PhasesAsync("preempt", done, what);

    private async Task<Dictionary<string, string>> PhasesAsync(string ns, Func<Dictionary<string, string>, bool> done, string what)
    {
        static Dictionary<string, string> Parse(string stdout) => TableText.Lines(stdout).Select(TableText.Cells)
            .Where(c => c.Length == 2).ToDictionary(c => c[0], c => c[1]);
        var result = await Eventually.UntilAsync(
            () => Kubectl.RunAsync("get", "pods", "-n", ns, "--no-headers", "-o", "custom-columns=NAME:.metadata.name,PHASE:.status.phase"),
            r => done(Parse(r.Stdout)), what, TimeSpan.FromSeconds(90));
        return Parse(result.Stdout);
    }
}
