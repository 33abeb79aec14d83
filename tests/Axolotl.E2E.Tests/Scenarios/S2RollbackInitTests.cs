using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S2 steps 8–9 (seed 001, 12.3 and 12.5) as examples/s2-probes-resources-quotas/README.md
/// walks them: an upgrade that never becomes ready is rolled back automatically (the Deployment annotation
/// axolotl.io/auto-rollback, step 8's alternative to Helm's `--atomic`, which S2HelmTests drives), and a failing init container
/// is run again until it succeeds before the app container starts.
/// </summary>
[Collection(S2Kit.Collection)]
public sealed class S2RollbackInitTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task An_upgrade_that_misses_its_progress_deadline_is_rolled_back_to_the_last_working_revision()
    {
        Assert.Equal("deployment.apps/numbers-atomic created\n", await S2Kit.ApplyAsync(fx, "rollback/numbers-atomic.yaml"));
        var status = await fx.Kubectl.RunAsync(["rollout", "status", "deployment/numbers-atomic", "--timeout=60s"], null, timeout: TimeSpan.FromSeconds(70));
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("deployment \"numbers-atomic\" successfully rolled out", status.Stdout);

        Assert.Equal("deployment.apps/numbers-atomic configured\n", await S2Kit.ApplyAsync(fx, "rollback/update/numbers-atomic-v2.yaml"));
        // v2 pods run but never become ready; the old ones keep serving meanwhile.
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-l", "app=numbers-atomic,version=v2"),
            t => System.Text.RegularExpressions.Regex.IsMatch(t, @"numbers-atomic-\S+\s+0/1\s+Running"), "a v2 pod running, not ready", S2Kit.Slow);
        Assert.Equal("2", await S2Kit.JsonPathAsync(fx, "deployment/numbers-atomic", "{.status.readyReplicas}"));
        Assert.Equal(2, (await S2Kit.PodNamesAsync(fx, "app=numbers-atomic,version=v1")).Length);

        // 20 s deadline, then Axolotl restores v1 as the newest revision.
        var describe = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "deployment", "numbers-atomic"),
            d => d.Contains("AutoRollback"), "the AutoRollback event", TimeSpan.FromSeconds(75));
        Assert.Matches(@"Warning\s+AutoRollback\s+.*deployment-controller\s+Rolled back deployment ""numbers-atomic"" from revision 2 to revision 1", describe);
        await S2Kit.UntilJsonPathAsync(fx, "deployment/numbers-atomic", "{.spec.template.metadata.labels.version}", v => v == "v1", "the template back at v1");
        await Eventually.UntilAsync(() => S2Kit.PodNamesAsync(fx, "app=numbers-atomic,version=v2"), p => p.Length == 0, "the v2 pods gone", S2Kit.Slow);
        await S2Kit.UntilJsonPathAsync(fx, "deployment/numbers-atomic", "{.status.readyReplicas}", r => r == "2", "2 ready replicas");

        var history = await fx.Kubectl.OkAsync("rollout", "history", "deployment/numbers-atomic");
        Assert.Equal(["2", "3"], TableText.Keys(history.Split('\n', 2)[1]));
    }

    [Fact]
    public async Task A_failing_init_container_is_run_again_until_it_succeeds_and_only_then_the_app_starts()
    {
        Assert.Equal("pod/init-demo created\n", await S2Kit.ApplyAsync(fx, "init-containers/init-demo.yaml"));
        var table = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "init-demo"),
            t => t.Contains("Init:CrashLoopBackOff") || t.Contains("Init:Error"), "the init container failing", S2Kit.Slow);
        Assert.Matches(@"init-demo\s+0/1\s+Init:(CrashLoopBackOff|Error)\s+\d", table);
        await S2Kit.UntilJsonPathAsync(fx, "pod/init-demo", "{.status.initContainerStatuses[0].restartCount}", r => r.Length > 0 && r != "0", "an init restart");
        Assert.Equal("", await S2Kit.JsonPathAsync(fx, "pod/init-demo", "{.status.containerStatuses[0].state.running}"));
        Assert.Contains("checking http://init-backend", await fx.Kubectl.OkAsync("logs", "init-demo", "-c", "wait-for-backend"));

        Assert.Equal("deployment.apps/init-backend created\nservice/init-backend created\n", await S2Kit.ApplyAsync(fx, "init-containers/backend.yaml"));
        var running = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "init-demo"),
            t => System.Text.RegularExpressions.Regex.IsMatch(t, @"init-demo\s+1/1\s+Running\s+0\s"), "the app running", S2Kit.Slow);
        var describe = await fx.Kubectl.OkAsync("describe", "pod", "init-demo");
        Assert.Matches(@"wait-for-backend:\n(.*\n)*?\s+State:\s+Terminated\n\s+Reason:\s+Completed\n\s+Exit Code:\s+0\n(.*\n)*?\s+Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+[1-9]\d*\n", describe);
        Assert.Matches(@"Restart Count:\s+[1-9]", describe);
        Assert.EndsWith("backend is up\n", await fx.Kubectl.OkAsync("logs", "init-demo", "-c", "wait-for-backend"));
        Assert.Contains("Running", running);
    }
}
