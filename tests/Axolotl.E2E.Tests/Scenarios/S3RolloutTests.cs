using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.MultiNode;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S3 (seed 002) steps 5–6 on two nodes, as the example's README walks them: nginx 1.15.12
/// → `set image … --record` 1.16.0 (history with change-cause, the Server header), a bad tag stuck
/// in ErrImagePull/ImagePullBackOff while the old pods serve, `rollout undo` (the restored revision
/// is renumbered) and `rollout undo --to-revision=1`.
/// </summary>
public sealed class S3RolloutTests(SteadyTwoNodeFixture fx) : IClassFixture<SteadyTwoNodeFixture>
{
    private const string Selector = "app=nginx";

    [Fact]
    public async Task Set_image_rolls_out_a_bad_tag_gets_stuck_and_rollout_undo_goes_back_to_earlier_revisions()
    {
        var ns = await fx.NewNamespaceAsync("s3-rollout");
        var apply = await fx.Kubectl.RunAsync("apply", "-n", ns, "-f", S3Files.Path("rollout-nginx.yaml"), "--record");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal("deployment.apps/rollout-nginx created\n", apply.Stdout);
        Assert.Contains("Flag --record has been deprecated", apply.Stderr);
        Assert.EndsWith("deployment \"rollout-nginx\" successfully rolled out\n", await StatusAsync(ns));
        var history = await HistoryAsync(ns);
        Assert.Equal(["1"], Revisions(history));
        // kubectl appends the flags it was given in no fixed order.
        Assert.Matches(@"^kubectl apply .*--filename=\S*rollout-nginx\.yaml", CauseOf(history, "1"));
        Assert.Contains(" --record=true", CauseOf(history, "1"));
        await S3Files.UntilAllServeAsync(fx, ns, Selector, 3, "nginx/1.15.12");

        // Step 5: the update, recorded as the change-cause of revision 2.
        Assert.Equal("deployment.apps/rollout-nginx image updated\n",
            await fx.Kubectl.OkAsync("set", "image", "deployment", "rollout-nginx", "nginx=nginx:1.16.0", "--record", "-n", ns));
        Assert.EndsWith("deployment \"rollout-nginx\" successfully rolled out\n", await StatusAsync(ns));
        history = await HistoryAsync(ns);
        Assert.Equal(["1", "2"], Revisions(history));
        Assert.StartsWith("kubectl set image deployment rollout-nginx nginx=nginx:1.16.0 ", CauseOf(history, "2"));
        Assert.Contains(" --record=true", CauseOf(history, "2"));
        await S3Files.UntilAllServeAsync(fx, ns, Selector, 3, "nginx/1.16.0");

        // Step 6: a tag that does not exist. maxSurge 25 % of 3 rounds up to one new pod, maxUnavailable
        // rounds down to none: one pod fails to pull and the three old ones keep serving.
        await fx.Kubectl.OkAsync("set", "image", "deployment", "rollout-nginx", "nginx=nginx:1.17.23", "--record", "-n", ns);
        var stuck = await Eventually.UntilAsync(() => S3Files.PodRowsAsync(fx, ns, Selector),
            r => r.Any(c => c[2] is "ErrImagePull" or "ImagePullBackOff"), "a new pod stuck pulling nginx:1.17.23", S3Files.Slow);
        Assert.Equal(4, stuck.Length);
        var status = await fx.Kubectl.RunAsync("rollout", "status", "deployment", "rollout-nginx", "-n", ns, "--timeout=3s");
        Assert.NotEqual(0, status.ExitCode);
        Assert.Contains("Waiting for deployment \"rollout-nginx\" rollout to finish: 1 out of 3 new replicas have been updated...", status.Stdout);
        Assert.Contains("error: timed out waiting for the condition", status.Stderr);
        var describe = await fx.Kubectl.OkAsync("describe", "deployment", "rollout-nginx", "-n", ns);
        Assert.Matches(@"Replicas:\s+3 desired \| 1 updated \| 4 total \| 3 available \| 1 unavailable", describe);
        Assert.Matches(@"Image:\s+nginx:1.17.23", describe);
        Assert.Matches(@"NewReplicaSet:\s+rollout-nginx-\S+ \(1/1 replicas created\)", describe);
        var badPod = stuck.First(c => c[2] is "ErrImagePull" or "ImagePullBackOff")[0];
        var podEvents = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", badPod, "-n", ns),
            d => d.Contains("Error: ImagePullBackOff"), "the back-off event", S3Files.Slow);
        Assert.Contains("Failed to pull image \"nginx:1.17.23\": rpc error: code = NotFound", podEvents);
        await S3Files.UntilAllServeAsync(fx, ns, Selector, 3, "nginx/1.16.0");
        Assert.Equal(["1", "2", "3"], Revisions(await HistoryAsync(ns)));

        // Undo: revision 2 comes back as revision 4.
        Assert.Equal("deployment.apps/rollout-nginx rolled back\n", await fx.Kubectl.OkAsync("rollout", "undo", "deployment", "rollout-nginx", "-n", ns));
        Assert.EndsWith("deployment \"rollout-nginx\" successfully rolled out\n", await StatusAsync(ns));
        history = await HistoryAsync(ns);
        Assert.Equal(["1", "3", "4"], Revisions(history));
        Assert.StartsWith("kubectl set image deployment rollout-nginx nginx=nginx:1.16.0 ", CauseOf(history, "4"));
        await Eventually.UntilAsync(() => S3Files.PodRowsAsync(fx, ns, Selector), r => r.Length == 3, "the stuck pod to be removed", S3Files.Slow);
        await S3Files.UntilAllServeAsync(fx, ns, Selector, 3, "nginx/1.16.0");

        // Back to the first revision, which becomes revision 5.
        Assert.Equal("deployment.apps/rollout-nginx rolled back\n",
            await fx.Kubectl.OkAsync("rollout", "undo", "deployment", "rollout-nginx", "--to-revision=1", "-n", ns));
        Assert.EndsWith("deployment \"rollout-nginx\" successfully rolled out\n", await StatusAsync(ns));
        history = await HistoryAsync(ns);
        Assert.Equal(["3", "4", "5"], Revisions(history));
        Assert.StartsWith("kubectl apply ", CauseOf(history, "5"));
        await S3Files.UntilAllServeAsync(fx, ns, Selector, 3, "nginx/1.15.12");
    }

    private Task<string> StatusAsync(string ns) =>
        fx.Kubectl.OkAsync("rollout", "status", "deployment", "rollout-nginx", "-n", ns, "--timeout=60s");

    private async Task<string> HistoryAsync(string ns)
    {
        var history = await fx.Kubectl.OkAsync("rollout", "history", "deployment", "rollout-nginx", "-n", ns);
        Assert.StartsWith("deployment.apps/rollout-nginx \nREVISION  CHANGE-CAUSE\n", history);
        return history;
    }

    /// <summary>The CHANGE-CAUSE of one revision in `kubectl rollout history`.</summary>
    private static string CauseOf(string history, string revision)
    {
        var line = TableText.Lines(history).Skip(2).FirstOrDefault(l => l.StartsWith(revision + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no revision {revision} in:\n{history}");
        return line[revision.Length..].Trim();
    }

    /// <summary>The REVISION column of `kubectl rollout history`.</summary>
    private static string[] Revisions(string history) =>
        TableText.Lines(history).Skip(2).Select(l => Regex.Match(l, @"^\d+").Value).ToArray();
}
