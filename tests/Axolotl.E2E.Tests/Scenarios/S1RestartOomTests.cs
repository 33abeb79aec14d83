using System.Net;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S1 (seed 000) as examples/s1-restart-oom-under-load/README.md walks it, with the
/// example's manifests: the grade API under 80 concurrent clients on NodePort 31000 is OOM-killed
/// (137) and comes back by itself, a port-forward started before keeps answering afterwards, and the
/// lecture's 35Mi limit never lets the API start. NodePorts 31000/32000 are fixed by the example, so
/// both tests share one server and run one after the other (one class, one collection).
/// </summary>
public sealed class S1RestartOomTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Ns = "grade-submission";
    private const string Api = "grade-submission-api";
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private Task<string> FieldAsync(string pod, string path) => fx.Kubectl.OkAsync("get", "pod", pod, "-n", Ns, "-o", $"jsonpath={path}");

    private async Task<int> RestartsAsync(string pod)
    {
        var text = await FieldAsync(pod, "{.status.containerStatuses[0].restartCount}");
        return text.Length == 0 ? 0 : int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ApplyExampleAsync()
    {
        var applied = await fx.Kubectl.OkAsync("apply", "-f", S1Files.Folder);
        // The other test may have applied the namespace file already.
        Assert.Matches("^namespace/grade-submission (created|unchanged)\n", applied);
        Assert.EndsWith("""
            pod/grade-submission-api created
            service/grade-submission-api created
            pod/grade-submission-portal created
            service/grade-submission-portal created

            """, applied);
        foreach (var pod in new[] { Api, "grade-submission-portal" })
        {
            await Eventually.UntilAsync(() => FieldAsync(pod, "{.status.conditions[?(@.type==\"Ready\")].status}"), s => s == "True", $"{pod} Ready", Slow);
        }
    }

    [Fact]
    public async Task Under_80_clients_the_api_is_OOMKilled_and_comes_back_by_itself_and_the_port_forward_keeps_answering()
    {
        await ApplyExampleAsync();

        // Step 2: both pods Running without restarts, both Services NodePort.
        var table = await fx.Kubectl.OkAsync("get", "pods,services", "-n", Ns);
        // Usually 0 restarts here; on a busy machine the 48Mi API is now and then OOM-killed once while
        // starting (a few MiB of margin), so the load's kill is counted from whatever the count is then.
        Assert.Matches(@"pod/grade-submission-api\s+1/1\s+Running\s+\d+", table);
        Assert.Matches(@"pod/grade-submission-portal\s+1/1\s+Running\s+0\s", table);
        Assert.Matches(@"service/grade-submission-api\s+NodePort\s+10\.\S+\s+<none>\s+3000:31000/TCP\s", table);
        Assert.Matches(@"service/grade-submission-portal\s+NodePort\s+10\.\S+\s+<none>\s+5001:32000/TCP\s", table);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], TableText.Header(table));
        Assert.Matches(@"\nNAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n", table);
        Assert.Equal(HttpStatusCode.OK, await Eventually.UntilAsync(() => S1Load.StatusAsync("http://127.0.0.1:31000/grade"),
            s => s == HttpStatusCode.OK, "the API on NodePort 31000"));
        Assert.Equal(HttpStatusCode.OK, await Eventually.UntilAsync(() => S1Load.StatusAsync("http://127.0.0.1:32000/"),
            s => s == HttpStatusCode.OK, "the portal on NodePort 32000"));

        // Step 3: a port-forward, started once and never again.
        var local = LoopbackPorts.Free();
        await using var forward = fx.Kubectl.Start("port-forward", "pod/" + Api, "-n", Ns, $"{local}:3000");
        await forward.WaitForStdoutAsync(s => s.Contains($"Forwarding from 127.0.0.1:{local} -> 3000"), "port-forward to listen");
        Assert.Equal(HttpStatusCode.OK, await Eventually.UntilAsync(() => S1Load.StatusAsync($"http://127.0.0.1:{local}/grade"),
            s => s == HttpStatusCode.OK, "the port-forward to answer"));
        // The watch runs before the count is taken: a start-up OOM kill (see step 2) that lands between
        // the two is then seen by the watch too, instead of counting as the load's kill unseen.
        await using var watch = fx.Kubectl.Start("get", "pods", "-n", Ns, "-w");
        await watch.WaitForStdoutAsync(s => s.Contains("grade-submission-api ", StringComparison.Ordinal), "the watch's first listing");
        var restartsBefore = await RestartsAsync(Api);

        // Step 4: 80 clients on the NodePort until the container is killed (bounded by time and count).
        using var restarted = new CancellationTokenSource();
        var load = S1Load.PostGradesAsync("http://127.0.0.1:31000", clients: 80, limit: TimeSpan.FromSeconds(45), maxRequests: 400_000, restarted.Token);
        await Eventually.UntilAsync(() => RestartsAsync(Api), r => r > restartsBefore || load.IsCompleted, "the API to be killed and restarted", Slow);
        await restarted.CancelAsync();
        var outcome = await load;
        Assert.True(await RestartsAsync(Api) > restartsBefore, $"the API survived the load: {outcome}\n{await fx.Kubectl.OkAsync("logs", Api, "-n", Ns)}");

        // Step 5: describe names the kernel's kill; the table shows the restart; the pod is back by itself.
        var describe = await fx.Kubectl.OkAsync("describe", "pod", Api, "-n", Ns);
        Assert.Matches(@"Last State:\s+Terminated\n\s+Reason:\s+OOMKilled\n\s+Exit Code:\s+137", describe);
        // Usually 1; requests still in flight when the load stops can kill the new instance again.
        Assert.Matches(@"Restart Count:\s+[1-9]\d*\n", describe);
        Assert.Contains("Limits:\n      memory:  48Mi\n    Requests:\n      cpu:        128m\n      memory:     48Mi", describe);
        await Eventually.UntilAsync(() => FieldAsync(Api, "{.status.conditions[?(@.type==\"Ready\")].status}"), s => s == "True", "the API Ready again", Slow);
        var after = await fx.Kubectl.OkAsync("get", "pods", "-n", Ns);
        Assert.Matches(@"grade-submission-api\s+1/1\s+Running\s+[1-9]\d* \((\d+m)?\d+s ago\)\s", after);
        Assert.Matches(@"grade-submission-portal\s+1/1\s+Running\s+0\s", after);
        // The watch shows the brief "0/1 OOMKilled" between the kill and the restart, then the restart.
        await watch.WaitForStdoutAsync(s => System.Text.RegularExpressions.Regex.IsMatch(s, @"grade-submission-api\s+0/1\s+OOMKilled\s+\d") &&
            System.Text.RegularExpressions.Regex.IsMatch(s, @"grade-submission-api\s+\d/1\s+\S+\s+[1-9]\d* \((\d+m)?\d+s ago\)"),
            "the watch to show the API OOMKilled, then restarted");

        // The NodePort and the old port-forward answer again, with no manual action (after CrashLoopBackOff's
        // delay when in-flight requests killed the new instance again).
        Assert.Equal(HttpStatusCode.OK, await Eventually.UntilAsync(() => S1Load.StatusAsync("http://127.0.0.1:31000/grade"),
            s => s == HttpStatusCode.OK, "the NodePort to answer again", TimeSpan.FromSeconds(120)));
        Assert.Equal(HttpStatusCode.OK, await Eventually.UntilAsync(() => S1Load.StatusAsync($"http://127.0.0.1:{local}/grade"),
            s => s == HttpStatusCode.OK, "the same port-forward to answer again", TimeSpan.FromSeconds(120)));
        Assert.False(forward.HasExited, forward.Stderr);
    }

    [Fact]
    public async Task With_the_lectures_35Mi_limit_the_api_never_starts_and_ends_in_CrashLoopBackOff()
    {
        var applied = await fx.Kubectl.OkAsync("apply", "-f", Path.Combine(S1Files.Folder, "00-namespace.yaml"), "-f", Path.Combine(S1Files.Folder, "too-small"));
        Assert.EndsWith("pod/grade-submission-api-35mi created\n", applied);
        const string pod = "grade-submission-api-35mi";

        // Polled through describe so that a timeout shows the pod's whole state and events.
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", pod, "-n", Ns),
            d => System.Text.RegularExpressions.Regex.IsMatch(d, @"Restart Count:\s+([2-9]|\d\d+)\n"), "two restarts", TimeSpan.FromSeconds(120));
        var describe = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", pod, "-n", Ns),
            d => d.Contains("Reason:       CrashLoopBackOff"), "CrashLoopBackOff", Slow);
        Assert.Matches(@"Last State:\s+Terminated\n\s+Reason:\s+OOMKilled\n\s+Exit Code:\s+137", describe);
        Assert.Matches(@"Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container grade-submission-api in pod grade-submission-api-35mi_grade-submission", describe);
        var table = await fx.Kubectl.OkAsync("get", "pod", pod, "-n", Ns);
        Assert.Matches(@"grade-submission-api-35mi\s+0/1\s+(CrashLoopBackOff|OOMKilled)\s+[2-9]", table);
        // Between two OOM kills the container runs for a moment (and, without a readiness probe, is
        // ready): judge Ready on a status that is in CrashLoopBackOff, read in one go.
        Assert.Equal("CrashLoopBackOff False", await Eventually.UntilAsync(
            () => FieldAsync(pod, "{.status.containerStatuses[0].state.waiting.reason} {.status.conditions[?(@.type==\"Ready\")].status}"),
            f => f.StartsWith("CrashLoopBackOff ", StringComparison.Ordinal), "a CrashLoopBackOff status", Slow));
        // It never got as far as answering: killed while reserving its start-up memory.
        var previous = await fx.Kubectl.OkAsync("logs", pod, "-n", Ns, "--previous");
        Assert.DoesNotContain("listening on", previous);
        await fx.Kubectl.OkAsync("delete", "pod", pod, "-n", Ns, "--grace-period=1", "--wait=false");
    }
}
