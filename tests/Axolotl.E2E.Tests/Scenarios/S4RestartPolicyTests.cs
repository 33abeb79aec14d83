using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S4 (seed 003) step 3 of the example's README: the same success and failure under each
/// restartPolicy, and CrashLoopBackOff whose delay doubles. The test servers run the faster curve
/// the README mentions (`--restart-backoff 1s --restart-backoff-max 4s`: 1 s, 2 s, 4 s instead of
/// Kubernetes' 10 s, 20 s, 40 s … 300 s).
/// </summary>
public sealed partial class S4RestartPolicyTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Always_restarts_every_exit_OnFailure_only_failures_Never_none_with_growing_back_off()
    {
        var ns = await fx.NewNamespaceAsync("s4-policy");
        // A watch sees every status the agent writes; polling can miss the 1 s back-off on a busy machine.
        var env = new Dictionary<string, string> { ["KUBECONFIG"] = fx.Server.Kubeconfig, ["HOME"] = fx.Server.DataDir };
        await using var watch = BackgroundProcess.Start(Kubectl.Binary, ["get", "pods", "-n", ns, "-w", "--field-selector", "metadata.name=onfailure-exit-1",
            "-o", "jsonpath={.status.containerStatuses[0].state.waiting.message}{\"\\n\"}"], env);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", S4Files.Path("restart-policy.yaml"));

        // The back-off in the waiting message grows while the failing OnFailure pod keeps crashing.
        var seen = await watch.WaitForStdoutAsync(o => o.Contains("back-off 4s", StringComparison.Ordinal), "a back-off of 4s after 1s and 2s", S4Files.Slow);
        // Only ever growing: 1s, 2s, 4s in that order. On a loaded machine the agent's status write for the shortest
        // wait can be overtaken by the restart it waited for (the kubelet's status sync coalesces the same way), so
        // at least two of them are required, not all three.
        var backOffs = seen.Split('\n').Select(l => BackOff().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(backOffs.Count >= 2, "back-offs seen: " + string.Join(", ", backOffs));
        Assert.Equal(new[] { "1s", "2s", "4s" }.Where(backOffs.Contains), backOffs);

        var table = await fx.Kubectl.OkAsync("get", "pods", "-n", ns);
        Assert.Equal(["never-exit-1", "0/1", "Error", "0"], TableText.Row(table, "never-exit-1")[..4]);
        Assert.Equal(["onfailure-exit-0", "0/1", "Completed", "0"], TableText.Row(table, "onfailure-exit-0")[..4]);
        Assert.Matches(@"^[2-9] \(", TableText.Row(table, "onfailure-exit-1")[3]);
        Assert.Matches(@"^[2-9] \(", TableText.Row(table, "always-exit-0")[3]);
        Assert.Equal("Failed", await S4Files.FieldAsync(fx, ns, "never-exit-1", "{.status.phase}"));
        Assert.Equal("Succeeded", await S4Files.FieldAsync(fx, ns, "onfailure-exit-0", "{.status.phase}"));

        // Always restarts even a clean exit: its last state is Completed with exit code 0.
        var always = await fx.Kubectl.OkAsync("describe", "pod", "always-exit-0", "-n", ns);
        Assert.Matches(@"Last State:\s+Terminated\n\s+Reason:\s+Completed\n\s+Exit Code:\s+0", always);
        Assert.Matches(@"Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container app in pod always-exit-0_" + ns, always);
    }

    [GeneratedRegex(@"^back-off (\d+s) restarting failed container")]
    private static partial Regex BackOff();
}
