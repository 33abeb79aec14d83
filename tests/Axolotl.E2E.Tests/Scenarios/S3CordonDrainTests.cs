using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.MultiNode;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S3 (seed 002) steps 3–4 on two nodes, as the example's README walks them: cordon shows
/// SchedulingDisabled and keeps new pods off the node; a plain drain refuses because of a DaemonSet
/// pod; drain --ignore-daemonsets evicts the Deployment's pods, which come back on the other node;
/// uncordon ends the maintenance.
/// </summary>
public sealed class S3CordonDrainTests(SteadyTwoNodeFixture fx) : IClassFixture<SteadyTwoNodeFixture>
{
    [Fact]
    public async Task Cordon_keeps_new_pods_off_a_node_and_drain_ignoring_DaemonSets_moves_its_pods_to_the_other_node()
    {
        var ns = await fx.NewNamespaceAsync("s3-drain");
        var first = fx.Server.NodeName;
        var second = fx.Agent.NodeName;
        try
        {
            await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", S3Files.Path("echo-hname.yaml"));
            await fx.Kubectl.OkAsync("rollout", "status", "deployment", "echo-hname", "-n", ns, "--timeout=60s");
            var placed = await S3Files.PodRowsAsync(fx, ns, "app=echo-hname");

            // Step 3: cordon.
            Assert.Equal($"node/{second} cordoned\n", await fx.Kubectl.OkAsync("cordon", second));
            var nodes = await fx.Kubectl.OkAsync("get", "nodes");
            Assert.Equal("Ready,SchedulingDisabled", TableText.Row(nodes, second)[1]);
            Assert.Equal("Ready", TableText.Row(nodes, first)[1]);
            var before = (await S3Files.PodRowsAsync(fx, ns, "app=echo-hname")).Select(r => r[0]).ToHashSet();
            await fx.Kubectl.OkAsync("scale", "deployment", "echo-hname", "-n", ns, "--replicas=5");
            var scaled = await Eventually.UntilAsync(() => S3Files.PodRowsAsync(fx, ns, "app=echo-hname"),
                r => r.Length == 5 && r.All(c => c[2] == "Running"), "five Running pods", S3Files.Slow);
            var added = scaled.Where(r => !before.Contains(r[0])).ToArray();
            Assert.Equal(2, added.Length);
            Assert.All(added, r => Assert.Equal(first, r[6]));

            Assert.Equal($"node/{second} uncordoned\n", await fx.Kubectl.OkAsync("uncordon", second));
            Assert.Equal("Ready", TableText.Row(await fx.Kubectl.OkAsync("get", "nodes"), second)[1]);
            await fx.Kubectl.OkAsync("scale", "deployment", "echo-hname", "-n", ns, "--replicas=3");
            var three = await Eventually.UntilAsync(() => S3Files.PodRowsAsync(fx, ns, "app=echo-hname"),
                r => r.Length == 3 && r.All(c => c[2] == "Running"), "three Running pods", S3Files.Slow);
            // Scaling down removes pods from the node that holds more of them first.
            var onSecond = three.Where(r => r[6] == second).Select(r => r[0]).ToArray();
            Assert.True(onSecond.Length > 0, "no pod left on " + second + "; placed at first: " + Placement(placed) +
                "; with five: " + Placement(scaled) + "; with three: " + Placement(three));

            // Step 4: a DaemonSet pod on every node; a plain drain refuses.
            await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", S3Files.Path("node-agent-daemonset.yaml"));
            await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "daemonset", "node-agent", "-n", ns),
                t => TableText.Row(t, "node-agent") is var row && row[1] == "2" && row[3] == "2", "the DaemonSet ready on both nodes", S3Files.Slow);
            var refused = await fx.Kubectl.FailAsync("drain", second);
            Assert.Contains($"error: unable to drain node \"{second}\" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {ns}/node-agent-", refused);
            Assert.Contains("There are pending nodes to be drained:", refused);

            var drain = await fx.Kubectl.RunAsync("drain", second, "--ignore-daemonsets");
            Assert.True(drain.ExitCode == 0, drain.ToString());
            Assert.Contains($"Warning: ignoring DaemonSet-managed Pods: {ns}/node-agent-", drain.Stderr);
            foreach (var pod in onSecond)
            {
                Assert.Contains($"evicting pod {ns}/{pod}", drain.Stdout);
                Assert.Contains($"pod/{pod} evicted", drain.Stdout);
            }
            Assert.EndsWith($"node/{second} drained\n", drain.Stdout);

            // The evicted pods were recreated on the other node; only the DaemonSet pod stays.
            var moved = await Eventually.UntilAsync(() => S3Files.PodRowsAsync(fx, ns, "app=echo-hname"),
                r => r.Length == 3 && r.All(c => c[2] == "Running"), "three Running pods after the drain", S3Files.Slow);
            Assert.All(moved, r => Assert.Equal(first, r[6]));
            Assert.DoesNotContain(moved, r => onSecond.Contains(r[0]));
            var daemons = await S3Files.PodRowsAsync(fx, ns, "app=node-agent");
            Assert.Contains(daemons, r => r[6] == second && r[2] == "Running");
            Assert.Equal("Ready,SchedulingDisabled", TableText.Row(await fx.Kubectl.OkAsync("get", "nodes"), second)[1]);
        }
        finally
        {
            await fx.Kubectl.RunAsync("uncordon", second);
        }
        Assert.Equal("Ready", TableText.Row(await fx.Kubectl.OkAsync("get", "nodes"), second)[1]);
    }

    private static string Placement(string[][] rows) => string.Join(", ", rows.Select(r => $"{r[0]} {r[1]} {r[2]} on {r[6]}"));
}
