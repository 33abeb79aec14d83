using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scheduling;

/// <summary>
/// The scheduler's pod-to-pod rules through kubectl on four fake nodes: required anti-affinity on the
/// hostname puts one replica per node and leaves the fifth Pending with kube-scheduler's message;
/// a DoNotSchedule spread constraint counts a cordoned node as an empty domain and holds replicas back.
/// </summary>
public sealed class PodPlacementTests(FourFakeNodes nodes) : IClassFixture<FourFakeNodes>
{
    private Kubectl Kubectl => nodes.Kubectl;

    private static string Deployment(string ns, string name, int replicas, string podSpecRules) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec:
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: {{{name}}}}}
          template:
            metadata: {labels: {app: {{{name}}}}}
            spec:
        {{{podSpecRules}}}
              containers:
              - {name: app, image: "nginx:1.25"}
        """;

    [Fact]
    public async Task Required_anti_affinity_on_the_hostname_puts_one_replica_per_node_and_the_extra_one_waits_with_kube_schedulers_message()
    {
        await Kubectl.OkAsync("create", "namespace", "anti");
        await Kubectl.OkWithInputAsync(Deployment("anti", "solo", 5, """
                  affinity:
                    podAntiAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                      - labelSelector: {matchLabels: {app: solo}}
                        topologyKey: kubernetes.io/hostname
            """), "apply", "-f", "-");

        var rows = await PodsAsync("anti", rows => rows.Count == 5 && rows.Count(r => r.Phase == "Running") == 4 && rows.Count(r => r.Phase == "Pending") == 1);
        Assert.Equal(4, rows.Where(r => r.Phase == "Running").Select(r => r.Node).Distinct().Count());
        var pending = rows.Single(r => r.Phase == "Pending").Name;
        var events = await Eventually.KubectlAsync(Kubectl, r => r.Stdout.Contains("FailedScheduling", StringComparison.Ordinal), "a FailedScheduling event",
            "get", "events", "-n", "anti", "--field-selector", $"involvedObject.name={pending}", "-o", "custom-columns=REASON:.reason,MESSAGE:.message", "--no-headers");
        Assert.Contains(
            "0/4 nodes are available: 4 node(s) didn't match pod anti-affinity rules. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.",
            events.Stdout, StringComparison.Ordinal);
        var condition = await Kubectl.OkAsync("get", "pod", pending, "-n", "anti", "-o", "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].reason}");
        Assert.Equal("Unschedulable", condition);

        // One replica fewer: the pending pod is the one removed or it finds the freed node; all four end up Running on distinct nodes.
        await Kubectl.OkAsync("scale", "deployment", "solo", "-n", "anti", "--replicas=4");
        rows = await PodsAsync("anti", rows => rows.Count == 4 && rows.All(r => r.Phase == "Running"));
        Assert.Equal(4, rows.Select(r => r.Node).Distinct().Count());
    }

    [Fact]
    public async Task A_spread_constraint_counts_a_cordoned_node_as_an_empty_domain_and_holds_replicas_back()
    {
        var all = (await Kubectl.OkAsync("get", "nodes", "-o", "jsonpath={.items[*].metadata.name}")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var cordoned = all.Order(StringComparer.Ordinal).Last();
        await Kubectl.OkAsync("cordon", cordoned);
        try
        {
            await Kubectl.OkAsync("create", "namespace", "spread");
            await Kubectl.OkWithInputAsync(Deployment("spread", "even", 5, """
                      topologySpreadConstraints:
                      - maxSkew: 1
                        topologyKey: kubernetes.io/hostname
                        whenUnsatisfiable: DoNotSchedule
                        labelSelector: {matchLabels: {app: even}}
                """), "apply", "-f", "-");

            // The cordoned node holds none, so each other node may hold only one: three run, two wait.
            var rows = await PodsAsync("spread", rows => rows.Count == 5 && rows.Count(r => r.Phase == "Running") == 3 && rows.Count(r => r.Phase == "Pending") == 2);
            Assert.Equal(3, rows.Where(r => r.Phase == "Running").Select(r => r.Node).Distinct().Count());
            Assert.DoesNotContain(rows, r => r.Node == cordoned);
            var pending = rows.First(r => r.Phase == "Pending").Name;
            var message = await Eventually.KubectlAsync(Kubectl, r => r.Stdout.Contains("0/4 nodes", StringComparison.Ordinal), "the scheduler's message",
                "get", "pod", pending, "-n", "spread", "-o", "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].message}");
            Assert.StartsWith("0/4 nodes are available: 1 node(s) were unschedulable, 3 node(s) didn't match pod topology spread constraints.", message.Stdout, StringComparison.Ordinal);

            // Uncordoned, the fourth domain takes one and the fifth then fits too (1 + 1 - 1 ≤ 1).
            await Kubectl.OkAsync("uncordon", cordoned);
            rows = await PodsAsync("spread", rows => rows.Count == 5 && rows.All(r => r.Phase == "Running"));
            Assert.Equal(4, rows.Select(r => r.Node).Distinct().Count());
        }
        finally
        {
            await Kubectl.RunAsync("uncordon", cordoned);
        }
    }

    private sealed record PodRow(string Name, string Phase, string Node);

    private async Task<IReadOnlyList<PodRow>> PodsAsync(string ns, Func<IReadOnlyList<PodRow>, bool> done)
    {
        static IReadOnlyList<PodRow> Parse(string stdout) => TableText.Lines(stdout).Select(TableText.Cells)
            .Where(c => c.Length == 3).Select(c => new PodRow(c[0], c[1], c[2])).ToList();
        var result = await Eventually.UntilAsync(
            () => Kubectl.RunAsync("get", "pods", "-n", ns, "--no-headers", "-o", "custom-columns=NAME:.metadata.name,PHASE:.status.phase,NODE:.spec.nodeName"),
            r => done(Parse(r.Stdout)), $"pods of {ns} as expected", TimeSpan.FromSeconds(90));
        return Parse(result.Stdout);
    }
}
