using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>
/// Pods run as real processes on the server's own node: restarts, CrashLoopBackOff, exit codes and
/// reasons, OOM kills, image pull failures, init containers, pod networking, re-adoption. The test
/// servers use a 1 s → 4 s CrashLoopBackOff curve (--restart-backoff); the default is Kubernetes'.
/// </summary>
[Collection(SharedServerFCollection.Name)]
public sealed class PodLifecycleTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private async Task<string> RunPodAsync(string ns, string name, string spec)
    {
        var manifest = $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n{spec}";
        await fx.Kubectl.OkWithInputAsync(manifest, "apply", "-f", "-");
        return name;
    }

    private Task<string> JsonPath(string ns, string pod, string path) =>
        fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", $"jsonpath={path}");

    private Task<string> WaitForAsync(string ns, string pod, string path, Func<string, bool> done, string what) =>
        Eventually.UntilAsync(() => JsonPath(ns, pod, path), done, what, Slow);

    [Fact]
    public async Task A_crashing_container_restarts_with_growing_restart_count_and_shows_CrashLoopBackOff()
    {
        var ns = await fx.NewNamespaceAsync("crash");
        await RunPodAsync(ns, "crasher", "  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'echo dying; exit 1']\n");
        await WaitForAsync(ns, "crasher", "{.status.containerStatuses[0].state.waiting.reason}", r => r == "CrashLoopBackOff", "CrashLoopBackOff");
        var restarts = await WaitForAsync(ns, "crasher", "{.status.containerStatuses[0].restartCount}", r => int.TryParse(r, out var n) && n >= 3, "3 restarts");
        Assert.True(int.Parse(restarts) >= 3);
        Assert.Equal("1", await JsonPath(ns, "crasher", "{.status.containerStatuses[0].lastState.terminated.exitCode}"));
        Assert.Equal("Error", await JsonPath(ns, "crasher", "{.status.containerStatuses[0].lastState.terminated.reason}"));
        var table = await fx.Kubectl.OkAsync("get", "pod", "crasher", "-n", ns);
        Assert.Matches(@"crasher\s+0/1\s+(CrashLoopBackOff|Error|Running)\s+\d+ \(\d+s ago\)", table);
        var events = await fx.Kubectl.OkAsync("get", "events", "-n", ns);
        Assert.Contains("Back-off restarting failed container c in pod crasher", events);
    }

    [Fact]
    public async Task CrashLoopBackOff_delays_double_up_to_the_nodes_cap()
    {
        // The test servers use --restart-backoff 1s --restart-backoff-max 4s: expect 1s, 2s, then 4s. Each delay is
        // shown only while it lasts (the 1s one for a second), so a watch sees them, where polling under load missed one.
        var ns = await fx.NewNamespaceAsync("doubling");
        await using var watch = fx.Kubectl.Start("get", "pods", "-n", ns, "--field-selector", "metadata.name=looper", "-w", "-v=6",
            "-o", "jsonpath={.status.containerStatuses[0].state.waiting.message}{\"\\n\"}");
        await Eventually.UntilAsync(() => Task.FromResult(watch.Stderr), e => e.Contains("watch=true", StringComparison.Ordinal), "the watch to be open", Slow);
        await RunPodAsync(ns, "looper", "  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'exit 1']\n");

        var seen = await watch.WaitForStdoutAsync(o => Delays(o).IsSupersetOf(["1s", "2s", "4s"]), "back-off delays 1s, 2s and 4s", Slow);

        Assert.DoesNotContain("8s", Delays(seen));
    }

    private static HashSet<string> Delays(string watched) =>
    [
        .. System.Text.RegularExpressions.Regex.Matches(watched, @"(?m)^back-off (\d+s) restarting failed container=c pod=looper_").Select(m => m.Groups[1].Value),
    ];

    [Fact]
    public async Task Restart_policies_decide_whether_a_finished_container_comes_back()
    {
        var ns = await fx.NewNamespaceAsync("policy");
        await RunPodAsync(ns, "never-fails", "  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'exit 3']\n");
        await RunPodAsync(ns, "never-ok", "  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'exit 0']\n");
        await RunPodAsync(ns, "onfailure-ok", "  restartPolicy: OnFailure\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'exit 0']\n");
        await RunPodAsync(ns, "onfailure-fails", "  restartPolicy: OnFailure\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'exit 2']\n");

        await WaitForAsync(ns, "never-fails", "{.status.phase}", p => p == "Failed", "phase Failed");
        Assert.Equal("3", await JsonPath(ns, "never-fails", "{.status.containerStatuses[0].state.terminated.exitCode}"));
        Assert.Equal("Error", await JsonPath(ns, "never-fails", "{.status.containerStatuses[0].state.terminated.reason}"));
        await WaitForAsync(ns, "never-ok", "{.status.phase}", p => p == "Succeeded", "phase Succeeded");
        Assert.Equal("Completed", await JsonPath(ns, "never-ok", "{.status.containerStatuses[0].state.terminated.reason}"));
        await WaitForAsync(ns, "onfailure-ok", "{.status.phase}", p => p == "Succeeded", "phase Succeeded");
        Assert.Equal("0", await JsonPath(ns, "onfailure-ok", "{.status.containerStatuses[0].restartCount}"));
        await WaitForAsync(ns, "onfailure-fails", "{.status.containerStatuses[0].restartCount}", r => int.TryParse(r, out var n) && n >= 2, "restarts on failure");
        var table = await fx.Kubectl.OkAsync("get", "pods", "-n", ns);
        Assert.Matches(@"never-fails\s+0/1\s+Error\s+0", table);
        Assert.Matches(@"never-ok\s+0/1\s+Completed\s+0", table);
    }

    [Fact]
    public async Task Exit_codes_carry_their_reasons_StartError_127_OOMKilled_137_and_SIGTERM_143()
    {
        var ns = await fx.NewNamespaceAsync("codes");
        await RunPodAsync(ns, "missing", "  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n    command: [no-such-binary]\n");
        await RunPodAsync(ns, "oom", "  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'tail /dev/zero']\n    resources:\n      limits: {memory: 32Mi}\n");
        // Kubernetes reduces "$$" in commands to "$" (escaping $(VAR) expansion), hence four.
        await RunPodAsync(ns, "term", "  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'kill -TERM $$$$; sleep 5']\n");

        await WaitForAsync(ns, "missing", "{.status.containerStatuses[0].state.terminated.reason}", r => r == "StartError", "StartError");
        Assert.Equal("127", await JsonPath(ns, "missing", "{.status.containerStatuses[0].state.terminated.exitCode}"));
        await WaitForAsync(ns, "oom", "{.status.containerStatuses[0].state.terminated.reason}", r => r == "OOMKilled", "OOMKilled");
        Assert.Equal("137", await JsonPath(ns, "oom", "{.status.containerStatuses[0].state.terminated.exitCode}"));
        await WaitForAsync(ns, "term", "{.status.containerStatuses[0].state.terminated.exitCode}", r => r == "143", "exit 143");
        Assert.Equal("Error", await JsonPath(ns, "term", "{.status.containerStatuses[0].state.terminated.reason}"));
        var describe = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", "oom", "-n", ns),
            d => d.Contains("OOMKilling"), "the OOMKilling event", TimeSpan.FromSeconds(30));
        Assert.Matches(@"Reason:\s+OOMKilled", describe);
        Assert.Matches(@"Exit Code:\s+137", describe);
        Assert.Matches(@"Warning\s+OOMKilling\s+.*Memory cgroup out of memory: the kernel killed a process of container c \(memory limit 32Mi\)", describe);
    }

    [Fact]
    public async Task An_unknown_image_tag_gives_ErrImagePull_then_ImagePullBackOff()
    {
        var ns = await fx.NewNamespaceAsync("pull");
        await RunPodAsync(ns, "badtag", "  containers:\n  - name: c\n    image: nginx:9.9.9\n");
        await WaitForAsync(ns, "badtag", "{.status.containerStatuses[0].state.waiting.reason}", r => r == "ErrImagePull", "ErrImagePull");
        await WaitForAsync(ns, "badtag", "{.status.containerStatuses[0].state.waiting.reason}", r => r == "ImagePullBackOff", "ImagePullBackOff");
        var describe = await fx.Kubectl.OkAsync("describe", "pod", "badtag", "-n", ns);
        Assert.Contains("Failed to pull image \"nginx:9.9.9\"", describe);
        Assert.Contains("Back-off pulling image \"nginx:9.9.9\"", describe);
    }

    [Fact]
    public async Task Init_containers_run_to_completion_before_the_app_container_starts()
    {
        var ns = await fx.NewNamespaceAsync("init");
        await RunPodAsync(ns, "withinit",
            "  initContainers:\n  - name: setup\n    image: busybox\n    command: [sh, -c, 'sleep 1']\n" +
            "  containers:\n  - name: app\n    image: busybox\n    command: [sh, -c, 'sleep 3600']\n");
        await WaitForAsync(ns, "withinit", "{.status.phase}", p => p == "Running", "Running");
        Assert.Equal("Completed", await JsonPath(ns, "withinit", "{.status.initContainerStatuses[0].state.terminated.reason}"));
        Assert.Equal("True", await JsonPath(ns, "withinit", "{.status.conditions[?(@.type==\"Initialized\")].status}"));

        await RunPodAsync(ns, "badinit",
            "  restartPolicy: Never\n  initContainers:\n  - name: setup\n    image: busybox\n    command: [sh, -c, 'exit 1']\n" +
            "  containers:\n  - name: app\n    image: busybox\n    command: [sh, -c, 'sleep 3600']\n");
        await WaitForAsync(ns, "badinit", "{.status.phase}", p => p == "Failed", "Failed");
        var table = await fx.Kubectl.OkAsync("get", "pod", "badinit", "-n", ns);
        Assert.Contains("Init:Error", table);
    }

    [Fact]
    public async Task Two_replicas_listening_on_the_same_port_answer_at_their_own_pod_IPs()
    {
        var ns = await fx.NewNamespaceAsync("net");
        await RunPodAsync(ns, "one", "  containers:\n  - name: web\n    image: axolotl/http-hello\n    ports: [{containerPort: 8080}]\n");
        await RunPodAsync(ns, "two", "  containers:\n  - name: web\n    image: axolotl/http-hello\n    ports: [{containerPort: 8080}]\n");
        var ipOne = await WaitForAsync(ns, "one", "{.status.podIP}", ip => ip.Length > 0, "pod IP");
        var ipTwo = await WaitForAsync(ns, "two", "{.status.podIP}", ip => ip.Length > 0, "pod IP");
        Assert.NotEqual(ipOne, ipTwo);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        async Task<string> Get(string ip) => await Eventually.UntilAsync(async () =>
        {
            try
            {
                return await http.GetStringAsync($"http://{ip}:8080/");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
            {
                return "";
            }
        }, body => body.Length > 0, $"an answer from {ip}:8080", Slow);
        Assert.Contains("one", await Get(ipOne));
        Assert.Contains("two", await Get(ipTwo));
    }

    [Fact]
    public async Task Deleting_a_pod_stops_its_container_and_removes_the_pod()
    {
        var ns = await fx.NewNamespaceAsync("del");
        await RunPodAsync(ns, "sleeper", "  terminationGracePeriodSeconds: 2\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'sleep 3600']\n");
        await WaitForAsync(ns, "sleeper", "{.status.phase}", p => p == "Running", "Running");
        var output = await fx.Kubectl.RunAsync(["delete", "pod", "sleeper", "-n", ns, "--timeout=30s"], stdin: null, timeout: TimeSpan.FromSeconds(45));
        Assert.True(output.ExitCode == 0, output.ToString());
        Assert.Contains("(NotFound)", await fx.Kubectl.FailAsync("get", "pod", "sleeper", "-n", ns));
    }
}
