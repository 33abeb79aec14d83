using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Sidecars;

/// <summary>Native sidecars (init containers with restartPolicy: Always), driven with the real kubectl.</summary>
public sealed class SidecarTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(90);

    /// <summary>A busybox httpd on 8080 whose /cgi-bin/hook appends each request's URI to /tmp/requests; it exits 3 once /tmp/stop exists.</summary>
    public const string RecordingServer = """
        mkdir -p /tmp/www/cgi-bin
        printf '#!/bin/sh\necho "$REQUEST_URI" >> /tmp/requests\necho Content-Type: text/plain\necho\necho ok\n' > /tmp/www/cgi-bin/hook
        chmod +x /tmp/www/cgi-bin/hook
        httpd -p 8080 -h /tmp/www
        trap 'exit 0' TERM
        while [ ! -f /tmp/stop ]; do sleep 1; done
        exit 3
        """;

    private Task<string> FieldAsync(string ns, string pod, string path) =>
        fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", $"jsonpath={path}");

    private Task<string> UntilAsync(string ns, string pod, string path, Func<string, bool> done, string what) =>
        Eventually.UntilAsync(() => FieldAsync(ns, pod, path), done, what, Slow);

    private static string Indented(string script, int spaces) =>
        string.Join("\n", script.Split('\n').Select(l => new string(' ', spaces) + l));

    [Fact]
    public async Task A_sidecar_starts_before_the_next_init_container_keeps_running_beside_the_app_and_is_restarted_when_it_exits()
    {
        var ns = await fx.NewNamespaceAsync("sidecar");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: sc
              namespace: {{ns}}
            spec:
              terminationGracePeriodSeconds: 5
              initContainers:
              - name: server
                image: busybox
                restartPolicy: Always
                command:
                - sh
                - -c
                - |
            {{Indented(RecordingServer, 6)}}
                startupProbe:
                  tcpSocket:
                    port: 8080
                  periodSeconds: 1
                  failureThreshold: 30
              - name: gate
                image: busybox
                command: [sh, -c, "until [ -f /tmp/go ]; do sleep 1; done"]
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "wget -q -O /dev/null 'http://127.0.0.1:8080/cgi-bin/hook?from=app' || exit 1; trap 'exit 0' TERM; while true; do sleep 1; done"]
                lifecycle:
                  postStart:
                    httpGet:
                      path: /cgi-bin/hook?from=poststart
                      port: 8080
            """, "apply", "-f", "-");

        // The sidecar has started (its startup probe passed), the regular init container after it runs: Init:1/2.
        await UntilAsync(ns, "sc", "{.status.initContainerStatuses[1].state.running.startedAt}", s => s.Length > 0, "the gate init container running");
        Assert.Equal("true", await FieldAsync(ns, "sc", "{.status.initContainerStatuses[0].started}"));
        Assert.Matches(@"sc\s+1/2\s+Init:1/2\s+0", await fx.Kubectl.OkAsync("get", "pod", "sc", "-n", ns));
        Assert.Equal("Pending", await FieldAsync(ns, "sc", "{.status.phase}"));

        await fx.Kubectl.OkAsync("exec", "sc", "-n", ns, "-c", "gate", "--", "touch", "/tmp/go");
        var table = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "sc", "-n", ns),
            t => System.Text.RegularExpressions.Regex.IsMatch(t, @"sc\s+2/2\s+Running"), "2/2 Running", Slow);
        Assert.Matches(@"sc\s+2/2\s+Running\s+0", table);
        Assert.Equal("True", await FieldAsync(ns, "sc", "{.status.conditions[?(@.type==\"Ready\")].status}"));

        // The app reached the sidecar at its start (it exits 1 otherwise), and its postStart hook did too.
        var requests = await fx.Kubectl.OkAsync("exec", "sc", "-n", ns, "-c", "server", "--", "cat", "/tmp/requests");
        Assert.Contains("from=app", requests);
        Assert.Contains("from=poststart", requests);
        Assert.Equal("0", await FieldAsync(ns, "sc", "{.status.containerStatuses[0].restartCount}"));

        // The sidecar exits (code 3): it is restarted while the app keeps running.
        await fx.Kubectl.OkAsync("exec", "sc", "-n", ns, "-c", "server", "--", "touch", "/tmp/stop");
        await UntilAsync(ns, "sc", "{.status.initContainerStatuses[0].restartCount}", r => r == "1", "the sidecar restarted");
        await UntilAsync(ns, "sc", "{.status.initContainerStatuses[0].ready}", r => r == "true", "the sidecar ready again");
        Assert.Equal("3", await FieldAsync(ns, "sc", "{.status.initContainerStatuses[0].lastState.terminated.exitCode}"));
        Assert.Equal("0", await FieldAsync(ns, "sc", "{.status.containerStatuses[0].restartCount}"));
        Assert.NotEmpty(await FieldAsync(ns, "sc", "{.status.containerStatuses[0].state.running.startedAt}"));
        Assert.Equal("0", await FieldAsync(ns, "sc", "{.status.initContainerStatuses[1].restartCount}"));
        Assert.Equal("True", await FieldAsync(ns, "sc", "{.status.conditions[?(@.type==\"Initialized\")].status}"));
        Assert.Matches(@"sc\s+2/2\s+Running\s+1", await fx.Kubectl.OkAsync("get", "pod", "sc", "-n", ns));

        // A sidecar's image is mutable on a pod: a new one restarts the sidecar with it, the app stays.
        await fx.Kubectl.OkAsync("set", "image", "pod/sc", "-n", ns, "server=busybox:latest");
        await UntilAsync(ns, "sc", "{.status.initContainerStatuses[0].restartCount}", r => r == "2", "the sidecar restarted for its new image");
        await UntilAsync(ns, "sc", "{.status.initContainerStatuses[0].image}", i => i == "busybox:latest", "the new image in the status");
        Assert.Equal("0", await FieldAsync(ns, "sc", "{.status.containerStatuses[0].restartCount}"));
    }

    [Fact]
    public async Task A_Job_whose_pod_has_a_sidecar_completes_and_a_failing_app_fails_its_pod()
    {
        var ns = await fx.NewNamespaceAsync("sidecar-job");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: batch
              namespace: {{ns}}
            spec:
              backoffLimit: 0
              template:
                metadata:
                  labels:
                    app: batch
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 10
                  initContainers:
                  - name: logger
                    image: busybox
                    restartPolicy: Always
                    command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
                  containers:
                  - name: work
                    image: busybox
                    command: [sh, -c, "echo work done"]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: onfailure
              namespace: {{ns}}
            spec:
              restartPolicy: OnFailure
              terminationGracePeriodSeconds: 10
              initContainers:
              - name: logger
                image: busybox
                restartPolicy: Always
                command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
              containers:
              - name: work
                image: busybox
                command: [sh, -c, "exit 0"]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: broken
              namespace: {{ns}}
            spec:
              restartPolicy: Never
              terminationGracePeriodSeconds: 10
              initContainers:
              - name: logger
                image: busybox
                restartPolicy: Always
                command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
              containers:
              - name: work
                image: busybox
                command: [sh, -c, "exit 3"]
            """, "apply", "-f", "-");

        await fx.Kubectl.OkAsync("wait", "--for=condition=complete", "job/batch", "-n", ns, "--timeout=90s");
        var pod = await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "app=batch", "-o", "jsonpath={.items[0].metadata.name}");
        await UntilAsync(ns, pod, "{.status.phase}", p => p == "Succeeded", "the Job's pod Succeeded");
        Assert.NotEmpty(await FieldAsync(ns, pod, "{.status.initContainerStatuses[0].state.terminated.finishedAt}"));
        Assert.Equal("0", await FieldAsync(ns, pod, "{.status.initContainerStatuses[0].restartCount}"));
        Assert.Matches(pod + @"\s+0/2\s+Completed", await fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns));

        await UntilAsync(ns, "onfailure", "{.status.phase}", p => p == "Succeeded", "the OnFailure pod Succeeded once its app exited 0");
        await UntilAsync(ns, "broken", "{.status.phase}", p => p == "Failed", "the Never pod Failed by its app's exit 3");
        Assert.Equal("3", await FieldAsync(ns, "broken", "{.status.containerStatuses[0].state.terminated.exitCode}"));
        Assert.Equal("0", await FieldAsync(ns, "broken", "{.status.initContainerStatuses[0].restartCount}"));
    }

    [Fact]
    public async Task Sidecar_fields_are_refused_where_Kubernetes_refuses_them_with_field_causes()
    {
        var ns = await fx.NewNamespaceAsync("sidecar-bad");
        var result = await fx.Kubectl.RunAsync(["apply", "-n", ns, "-f", "-"], $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: bad
            spec:
              initContainers:
              - name: once
                image: busybox
                restartPolicy: OnFailure
              - name: probed
                image: busybox
                readinessProbe:
                  exec:
                    command: ["true"]
              containers:
              - name: app
                image: busybox
                restartPolicy: Always
            """);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.initContainers[0].restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"", result.Output);
        Assert.Contains("spec.initContainers[1].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always", result.Output);
        Assert.Contains("spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers", result.Output);
    }

    [Fact]
    public async Task Deleting_a_pod_signals_its_app_container_first_then_its_sidecars_in_reverse_order()
    {
        var ns = await fx.NewNamespaceAsync("sidecar-stop");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: recorder
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
            {{Indented(RecordingServer, 6)}}
                readinessProbe:
                  tcpSocket:
                    port: 8080
                  periodSeconds: 1
            """, "apply", "-f", "-");
        await UntilAsync(ns, "recorder", "{.status.containerStatuses[0].ready}", r => r == "true", "the recorder ready");
        var recorder = await FieldAsync(ns, "recorder", "{.status.podIP}");

        // Each container tells the recorder when it gets SIGTERM, then exits.
        static string Reporter(string name) =>
            $"trap 'wget -q -O /dev/null \"http://$REC:8080/cgi-bin/hook?term={name}\"; exit 0' TERM; while true; do sleep 1; done";
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: ordered
              namespace: {{ns}}
            spec:
              terminationGracePeriodSeconds: 30
              initContainers:
              - name: first
                image: busybox
                restartPolicy: Always
                env: [{name: REC, value: "{{recorder}}"}]
                command:
                - sh
                - -c
                - |
            {{Indented(Reporter("first"), 6)}}
              - name: second
                image: busybox
                restartPolicy: Always
                env: [{name: REC, value: "{{recorder}}"}]
                command:
                - sh
                - -c
                - |
            {{Indented(Reporter("second"), 6)}}
              containers:
              - name: app
                image: busybox
                env: [{name: REC, value: "{{recorder}}"}]
                command:
                - sh
                - -c
                - |
            {{Indented(Reporter("app"), 6)}}
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "ordered", "-n", ns),
            t => System.Text.RegularExpressions.Regex.IsMatch(t, @"ordered\s+3/3\s+Running"), "3/3 Running", Slow);

        await fx.Kubectl.OkAsync("delete", "pod", "ordered", "-n", ns, "--timeout=90s");
        var requests = (await fx.Kubectl.OkAsync("exec", "recorder", "-n", ns, "--", "cat", "/tmp/requests"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["/cgi-bin/hook?term=app", "/cgi-bin/hook?term=second", "/cgi-bin/hook?term=first"], requests);
    }

    [Fact]
    public async Task A_server_restart_re_adopts_a_running_sidecar_without_restarting_it()
    {
        var ns = await fx.NewNamespaceAsync("sidecar-adopt");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: kept
              namespace: {{ns}}
            spec:
              terminationGracePeriodSeconds: 2
              initContainers:
              - name: helper
                image: busybox
                restartPolicy: Always
                command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
                readinessProbe:
                  exec:
                    command: ["true"]
                  periodSeconds: 1
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
            """, "apply", "-f", "-");
        const string jsonpath = "jsonpath={.status.initContainerStatuses[0].containerID} {.status.initContainerStatuses[0].restartCount} {.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}";
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "kept", "-n", ns),
            t => System.Text.RegularExpressions.Regex.IsMatch(t, @"kept\s+2/2\s+Running"), "2/2 Running", Slow);
        var before = await fx.Kubectl.OkAsync("get", "pod", "kept", "-n", ns, "-o", jsonpath);

        Assert.Equal(0, await fx.Server.StopAsync());
        await fx.Server.RestartAsync();
        await QuietPeriod.WaitAsync(TimeSpan.FromSeconds(3), "a status round of the re-adopted agent that changes the pod");

        Assert.Equal(before, await fx.Kubectl.OkAsync("get", "pod", "kept", "-n", ns, "-o", jsonpath));
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "kept", "-n", ns),
            t => System.Text.RegularExpressions.Regex.IsMatch(t, @"kept\s+2/2\s+Running\s+0"), "still 2/2 Running with no restart", Slow);
    }
}
