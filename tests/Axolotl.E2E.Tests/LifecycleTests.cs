using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>postStart hooks, activeDeadlineSeconds and an image changed on a running pod, with the real kubectl.</summary>
[Collection(SharedServerBCollection.Name)]
public sealed class LifecycleTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private Task<string> FieldAsync(string ns, string pod, string path) =>
        fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", $"jsonpath={path}");

    private Task<string> UntilAsync(string ns, string pod, string path, Func<string, bool> done, string what) =>
        Eventually.UntilAsync(() => FieldAsync(ns, pod, path), done, what, Slow);

    [Fact]
    public async Task A_poststart_hook_runs_in_the_container_and_a_failing_one_kills_it_with_an_event()
    {
        var ns = await fx.NewNamespaceAsync("poststart");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: hooked
              namespace: {{ns}}
            spec:
              containers:
              - name: app
                image: busybox
                args: [sleep, "600"]
                lifecycle:
                  postStart:
                    exec:
                      command: [sh, -c, "echo started by hook > /tmp/hook"]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: badhook
              namespace: {{ns}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                args: [sleep, "600"]
                lifecycle:
                  postStart:
                    exec:
                      command: [sh, -c, "echo no good; exit 3"]
            """, "apply", "-f", "-");

        await UntilAsync(ns, "hooked", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "running");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("exec", "hooked", "-n", ns, "--", "cat", "/tmp/hook"),
            r => r.ExitCode == 0 && r.Stdout.Contains("started by hook"), "the hook's file", Slow);

        await UntilAsync(ns, "badhook", "{.status.containerStatuses[0].restartCount}", r => r.Length > 0 && r != "0", "a restart after the failed hook");
        var describe = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", "badhook", "-n", ns),
            d => d.Contains("FailedPostStartHook"), "the hook events", Slow);
        Assert.Matches(@"Warning\s+FailedPostStartHook\s+.*Exec lifecycle hook \(\[sh -c echo no good; exit 3\]\) for Container ""app"" in Pod ""badhook_" + ns, describe);
        Assert.Matches(@"Normal\s+Killing\s+.*FailedPostStartHook", describe);
    }

    [Fact]
    public async Task ActiveDeadlineSeconds_fails_the_pod_with_DeadlineExceeded()
    {
        var ns = await fx.NewNamespaceAsync("deadline");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: bounded
              namespace: {{ns}}
            spec:
              activeDeadlineSeconds: 3
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                args: [sleep, "600"]
            """, "apply", "-f", "-");
        await UntilAsync(ns, "bounded", "{.status.phase}", p => p == "Failed", "Failed after the deadline");
        Assert.Equal("DeadlineExceeded", await FieldAsync(ns, "bounded", "{.status.reason}"));
        Assert.Equal("Pod was active on the node longer than the specified deadline", await FieldAsync(ns, "bounded", "{.status.message}"));
        var table = await fx.Kubectl.OkAsync("get", "pod", "bounded", "-n", ns);
        // As upstream's printer: a container's terminated reason wins over the pod's reason in STATUS.
        Assert.Matches(@"bounded\s+0/1\s+(DeadlineExceeded|Error)\s+0", table);
        await QuietPeriod.WaitAsync(TimeSpan.FromSeconds(2), "a restart of the pod its deadline ended");
        Assert.Equal("0", await FieldAsync(ns, "bounded", "{.status.containerStatuses[0].restartCount}"));
    }

    [Fact]
    public async Task Set_image_on_a_pod_restarts_its_container_with_the_new_image()
    {
        var ns = await fx.NewNamespaceAsync("setimage");
        await fx.Kubectl.OkAsync("run", "web", "-n", ns, "--image=nginx:1.15.12");
        await UntilAsync(ns, "web", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "running");

        await fx.Kubectl.OkAsync("set", "image", "pod/web", "-n", ns, "web=nginx:1.16.0");
        await UntilAsync(ns, "web", "{.status.containerStatuses[0].restartCount}", r => r == "1", "restarted once");
        await UntilAsync(ns, "web", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "running again");
        Assert.Equal("nginx:1.16.0", await FieldAsync(ns, "web", "{.status.containerStatuses[0].image}"));
        var describe = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", "web", "-n", ns),
            d => d.Contains("Container web definition changed, will be restarted"), "the Killing event", Slow);
        Assert.Contains("1.16.0", await fx.Kubectl.OkAsync("exec", "web", "-n", ns, "--", "sh", "-c", "echo $NGINX_VERSION"));
        Assert.DoesNotContain("BackOff", describe);
    }
}
