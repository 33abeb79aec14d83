using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S4 (seed 003) steps 1–2 of examples/s4-crash-reasons-probes-controllers/README.md: one
/// pod per row of the note's table of crash causes, each ending with the exit code and reason the
/// table gives, and a hung web server that only its liveness probe catches.
/// PodLifecycleTests covers the exit-code mechanics in detail; this follows the walk-through.
/// </summary>
public sealed class S4CrashReasonsTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string LastStates =
        "custom-columns=NAME:.metadata.name,REASON:.status.containerStatuses[*].lastState.terminated.reason,EXIT:.status.containerStatuses[*].lastState.terminated.exitCode";

    [Fact]
    public async Task Every_row_of_the_crash_table_ends_with_its_exit_code_and_reason()
    {
        var ns = await fx.NewNamespaceAsync("s4-crash");
        await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", S4Files.Path("crash-reasons.yaml"));

        // Step 1: the pods that crash on their own.
        var expected = new Dictionary<string, string>
        {
            ["crash-app-error"] = "Error 1",
            ["crash-exit-2"] = "Error 2",
            ["crash-exit-255"] = "Error 255",
            ["crash-missing-config"] = "Error 1",
            ["crash-oom"] = "OOMKilled 137",
            ["crash-no-executable"] = "StartError 127",
            ["crash-port-conflict"] = "Error 1",
        };
        var table = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-o", LastStates),
            t => expected.All(e => LastState(t, e.Key).Contains(e.Value)), "every crashing pod's last state", S4Files.Slow);
        Assert.Equal(["<none> <none>"], LastState(table, "crash-sigkill"));
        Assert.Equal(["<none> <none>"], LastState(table, "crash-sigterm"));

        var pods = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-n", ns),
            t => TableText.Row(t, "crash-app-error")[2] == "CrashLoopBackOff", "CrashLoopBackOff", S4Files.Slow);
        Assert.Matches(@"^[1-9]", TableText.Row(pods, "crash-app-error")[3]);
        Assert.Equal("DATABASE_URL is not set\n", await fx.Kubectl.OkAsync("logs", "crash-missing-config", "-n", ns, "--previous"));
        Assert.Contains("address already in use", await PortConflictLogAsync(ns));
        var describe = await fx.Kubectl.OkAsync("describe", "pod", "crash-no-executable", "-n", ns);
        Assert.Matches(@"Last State:\s+Terminated\n\s+Reason:\s+StartError\n\s+Message:\s+exec: ""/app/server"": stat /app/server: no such file or directory\n\s+Exit Code:\s+127", describe);
        Assert.Matches(@"Last State:\s+Terminated\n\s+Reason:\s+OOMKilled\n\s+Exit Code:\s+137",
            await fx.Kubectl.OkAsync("describe", "pod", "crash-oom", "-n", ns));

        // Step 2: signals from outside. kill -15 reaches the app through `kubectl exec`; kill -9 comes from the node.
        await S4Files.UntilFieldAsync(fx, ns, "crash-sigterm", "{.status.containerStatuses[0].ready}", r => r == "true", "crash-sigterm running");
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("logs", "crash-sigterm", "-n", ns), l => l.Contains("will exit with code 0"), "the app to start", S4Files.Slow);
        await fx.Kubectl.KillPid1Async(ns, "crash-sigterm", "kill", "-15", "1");
        await S4Files.UntilFieldAsync(fx, ns, "crash-sigkill", "{.status.containerStatuses[0].ready}", r => r == "true", "crash-sigkill running");
        await S4Files.KillOnNodeAsync(fx, ns, "crash-sigkill", ["sleep", "3601"]);
        table = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-o", LastStates),
            t => LastState(t, "crash-sigterm").SequenceEqual(["Error 143"]) && LastState(t, "crash-sigkill").SequenceEqual(["Error 137"]), "the signalled pods' last states", S4Files.Slow);
        Assert.Contains("exit: received SIGTERM", await fx.Kubectl.OkAsync("logs", "crash-sigterm", "-n", ns, "--previous"));
        var sigkill = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "crash-sigkill", "-n", ns),
            t => TableText.Row(t, "crash-sigkill")[2] == "Running", "crash-sigkill running again", S4Files.Slow);
        Assert.StartsWith("1 (", TableText.Row(sigkill, "crash-sigkill")[3]);
    }

    [Fact]
    public async Task A_hung_web_server_is_restarted_only_by_its_liveness_probe()
    {
        var ns = await fx.NewNamespaceAsync("s4-hung");
        await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", S4Files.Path("hung-app.yaml"));
        await S4Files.UntilFieldAsync(fx, ns, "hung-app", "{.status.containerStatuses[0].ready}", r => r == "true", "hung-app Ready");
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("logs", "hung-app", "-n", ns), l => l.Contains("listening on"), "the server to listen", S4Files.Slow);

        // Freeze the server: it neither exits nor answers, as in a deadlock.
        await fx.Kubectl.OkAsync("exec", "hung-app", "-n", ns, "--", "sh", "-c", "kill -STOP $(cat /tmp/app.pid)");
        Assert.Equal("0", await S4Files.FieldAsync(fx, ns, "hung-app", "{.status.containerStatuses[0].restartCount}"));

        var describe = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", "hung-app", "-n", ns),
            d => d.Contains("Restart Count:  1") && d.Contains("State:          Running"), "a restart by the liveness probe", S4Files.Slow);
        // A stopped process cannot act on SIGTERM: the grace period runs out and SIGKILL ends it.
        Assert.Matches(@"Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+137", describe);
        Assert.Contains("Liveness:       http-get http://:8080/healthz delay=10s timeout=1s period=3s #success=1 #failure=2", describe);
        Assert.Matches(@"Warning\s+Unhealthy\s+.*kubelet\s+Liveness probe failed: Get ""http://[0-9.]+:8080/healthz"": context deadline exceeded", describe);
        Assert.Contains("Container web failed liveness probe, will be restarted", describe);
    }

    /// <summary>"REASON EXIT" per container that has a last state, from the custom-columns table.</summary>
    private static string[] LastState(string table, string pod)
    {
        var row = TableText.Row(table, pod);
        return row[1].Split(',').Zip(row[2].Split(','), (reason, exit) => $"{reason} {exit}").ToArray();
    }

    private async Task<string> PortConflictLogAsync(string ns)
    {
        // Either container may be the one that lost the race for port 8080.
        foreach (var container in new[] { "web", "sidecar" })
        {
            var logs = await fx.Kubectl.RunAsync("logs", "crash-port-conflict", "-c", container, "-n", ns, "--previous");
            if (logs.ExitCode == 0 && logs.Stdout.Contains("address already in use"))
            {
                return logs.Stdout;
            }
        }
        return "(neither container has a previous log with the bind error)";
    }
}
