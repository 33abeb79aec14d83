using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Sidecars;

/// <summary>httpGet, sleep and tcpSocket lifecycle hooks (postStart and preStop), driven with the real kubectl.</summary>
[Collection(SharedServerHCollection.Name)]
public sealed class LifecycleHookTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(90);

    private Task<string> FieldAsync(string ns, string pod, string path) =>
        fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", $"jsonpath={path}");

    private Task<string> UntilAsync(string ns, string pod, string path, Func<string, bool> done, string what) =>
        Eventually.UntilAsync(() => FieldAsync(ns, pod, path), done, what, Slow);

    private static string Indented(string script, int spaces) =>
        string.Join("\n", script.Split('\n').Select(l => new string(' ', spaces) + l));

    private const string Idle = "trap 'exit 0' TERM; while true; do sleep 1; done";

    [Fact]
    public async Task HttpGet_hooks_reach_a_server_at_their_host_any_answer_passes_and_a_refused_connection_fails_postStart()
    {
        var ns = await fx.NewNamespaceAsync("httphook");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: server
              namespace: {{ns}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
              - name: httpd
                image: busybox
                command:
                - sh
                - -c
                - |
            {{Indented(SidecarTests.RecordingServer, 6)}}
                readinessProbe:
                  tcpSocket:
                    port: 8080
                  periodSeconds: 1
            """, "apply", "-f", "-");
        await UntilAsync(ns, "server", "{.status.containerStatuses[0].ready}", r => r == "true", "the server ready");
        var serverIp = await FieldAsync(ns, "server", "{.status.podIP}");

        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: client
              namespace: {{ns}}
            spec:
              terminationGracePeriodSeconds: 20
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "{{Idle}}"]
                lifecycle:
                  postStart:
                    httpGet:
                      host: {{serverIp}}
                      port: 8080
                      path: /cgi-bin/hook?from=poststart
                  preStop:
                    httpGet:
                      host: {{serverIp}}
                      port: 8080
                      path: /cgi-bin/hook?from=prestop
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: notfound
              namespace: {{ns}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "{{Idle}}"]
                lifecycle:
                  postStart:
                    httpGet:
                      host: {{serverIp}}
                      port: 8080
                      path: /no-such-page
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: refused
              namespace: {{ns}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "{{Idle}}"]
                lifecycle:
                  postStart:
                    httpGet:
                      port: 9
                      path: /nothing
            """, "apply", "-f", "-");

        await UntilAsync(ns, "client", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "the client running");
        Assert.Contains("from=poststart", await fx.Kubectl.OkAsync("exec", "server", "-n", ns, "--", "cat", "/tmp/requests"));

        // The kubelet's hook runner does not judge the status code: a 404 is an answer, the hook passed.
        await UntilAsync(ns, "notfound", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "the 404 pod running");

        // Nothing listens on port 9 of the pod's own IP (the default host): the hook fails and the container is killed.
        var describe = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", "refused", "-n", ns),
            d => d.Contains("FailedPostStartHook"), "the refused hook's event", Slow);
        Assert.Matches(@"Warning\s+FailedPostStartHook\s+.*HTTP lifecycle hook \(/nothing\) for Container ""app"" in Pod ""refused_" + ns + @".*connection refused", describe);
        await UntilAsync(ns, "refused", "{.status.containerStatuses[0].restartCount}", r => r.Length > 0 && r != "0", "a restart after the failed hook");

        // preStop runs before the stop signal, within the grace period.
        await fx.Kubectl.OkAsync("delete", "pod", "client", "-n", ns, "--wait=true", "--timeout=60s");
        Assert.Contains("from=prestop", await fx.Kubectl.OkAsync("exec", "server", "-n", ns, "--", "cat", "/tmp/requests"));
        var notfound = await fx.Kubectl.OkAsync("describe", "pod", "notfound", "-n", ns);
        Assert.DoesNotContain("FailedPostStartHook", notfound);
    }

    [Fact]
    public async Task A_preStop_sleep_keeps_the_container_running_after_the_deletion_and_a_postStart_sleep_delays_its_start()
    {
        var ns = await fx.NewNamespaceAsync("sleephook");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: sleeper
              namespace: {{ns}}
            spec:
              terminationGracePeriodSeconds: 60
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "{{Idle}}"]
                lifecycle:
                  postStart:
                    sleep:
                      seconds: 1
                  preStop:
                    sleep:
                      seconds: 20
            """, "apply", "-f", "-");
        await UntilAsync(ns, "sleeper", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "running after the postStart sleep");
        Assert.Equal("0", await FieldAsync(ns, "sleeper", "{.status.containerStatuses[0].restartCount}"));

        await fx.Kubectl.OkAsync("delete", "pod", "sleeper", "-n", ns, "--wait=false");
        await UntilAsync(ns, "sleeper", "{.metadata.deletionTimestamp}", s => s.Length > 0, "the deletion under way");
        // The app exits at once on SIGTERM: that it still answers shows the signal waits for the sleep.
        Assert.Contains("alive", await fx.Kubectl.OkAsync("exec", "sleeper", "-n", ns, "--", "echo", "alive"));
        Assert.Contains("Terminating", await fx.Kubectl.OkAsync("get", "pod", "sleeper", "-n", ns));
        await fx.Kubectl.OkAsync("wait", "--for=delete", "pod/sleeper", "-n", ns, "--timeout=90s");
    }

    [Fact]
    public async Task Invalid_hooks_are_refused_with_their_field_causes()
    {
        var ns = await fx.NewNamespaceAsync("badhook");
        var result = await fx.Kubectl.RunAsync(["apply", "-n", ns, "-f", "-"], """
            apiVersion: v1
            kind: Pod
            metadata:
              name: bad
            spec:
              terminationGracePeriodSeconds: 10
              containers:
              - name: app
                image: busybox
                lifecycle:
                  postStart:
                    sleep:
                      seconds: 0
                  preStop:
                    sleep:
                      seconds: 11
              - name: web
                image: busybox
                lifecycle:
                  postStart:
                    httpGet:
                      port: 0
                      path: /x
                  preStop:
                    exec:
                      command: ["true"]
                    sleep:
                      seconds: 1
            """);
        Assert.NotEqual(0, result.ExitCode);
        var output = result.Output;
        Assert.Contains("spec.containers[0].lifecycle.postStart.sleep: Invalid value: 0: must be greater than 0 and less than terminationGracePeriodSeconds (10)", output);
        Assert.Contains("spec.containers[0].lifecycle.preStop.sleep: Invalid value: 11: must be greater than 0 and less than terminationGracePeriodSeconds (10)", output);
        Assert.Contains("spec.containers[1].lifecycle.postStart.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive", output);
        Assert.Contains("spec.containers[1].lifecycle.preStop.sleep: Forbidden: may not specify more than 1 handler type", output);
        Assert.Contains("NotFound", (await fx.Kubectl.RunAsync("get", "pod", "bad", "-n", ns)).Output);
    }
}
