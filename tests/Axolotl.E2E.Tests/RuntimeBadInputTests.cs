using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>
/// Pods that cannot run as written: each shows why in get/describe and is retried per its policy,
/// and none of them wedges the agent (a healthy pod created afterwards still starts).
/// </summary>
[Collection(SharedServerDCollection.Name)]
public sealed class RuntimeBadInputTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private Task<string> FieldAsync(string ns, string pod, string path) =>
        fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", $"jsonpath={path}");

    private Task<string> UntilAsync(string ns, string pod, string path, Func<string, bool> done, string what) =>
        Eventually.UntilAsync(() => FieldAsync(ns, pod, path), done, what, Slow);

    [Fact]
    public async Task Bad_pods_show_their_reasons_and_a_good_pod_still_starts_after_them()
    {
        var ns = await fx.NewNamespaceAsync("badrt");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: tiny, namespace: {{ns}}}
            spec:
              containers:
              - name: c
                image: axolotl/memory-hog
                resources:
                  limits: {memory: 4Mi}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: port-owner, namespace: {{ns}}}
            spec:
              containers:
              - name: first
                image: axolotl/http-hello
              - name: second
                image: axolotl/http-hello
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: forkbomb, namespace: {{ns}}}
            spec:
              restartPolicy: Never
              containers:
              - name: c
                image: python:3.11-slim
                command:
                - python3
                - -c
                - |
                  import os, time
                  n = 0
                  while True:
                      try:
                          pid = os.fork()
                      except OSError as e:
                          print("fork failed after", n, "children:", e, flush=True)
                          os._exit(3)
                      if pid == 0:
                          time.sleep(30)
                          os._exit(0)
                      n += 1
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: nokey, namespace: {{ns}}}
            spec:
              containers:
              - name: c
                image: busybox
                args: [sleep, "600"]
                env:
                - name: COLOR
                  valueFrom:
                    configMapKeyRef: {name: missing-config, key: color}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: stubborn, namespace: {{ns}}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
              - name: c
                image: debian
                command: [bash, -c, "trap '' TERM; while :; do sleep 1; done"]
            """, "apply", "-f", "-");

        // Memory limit far below what the app needs: OOMKilled, restarted.
        await UntilAsync(ns, "tiny", "{.status.containerStatuses[0].lastState.terminated.reason}", r => r == "OOMKilled", "OOMKilled");

        // Two containers of one pod share its network: whichever binds 8080 second exits 1 and is retried.
        var loser = await Eventually.UntilAsync(async () =>
            {
                var first = await FieldAsync(ns, "port-owner", "{.status.containerStatuses[?(@.name==\"first\")].lastState.terminated.exitCode}");
                var second = await FieldAsync(ns, "port-owner", "{.status.containerStatuses[?(@.name==\"second\")].lastState.terminated.exitCode}");
                return second == "1" ? "second" : first == "1" ? "first" : "";
            }, l => l.Length > 0, "a container exits 1", Slow);
        var logs = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("logs", "port-owner", "-n", ns, "-c", loser, "--previous"),
            r => r.ExitCode == 0 && r.Stdout.Contains("8080"), "the bind error in the log", Slow);
        Assert.Contains("address already in use", logs.Stdout);

        // pids.max stops the fork bomb: bash cannot fork past the limit and the pod fails without harming the node.
        await UntilAsync(ns, "forkbomb", "{.status.phase}", p => p == "Failed", "the fork bomb fails");
        Assert.Matches(@"fork failed after 10\d\d children: \[Errno 11\] Resource temporarily unavailable", await fx.Kubectl.OkAsync("logs", "forkbomb", "-n", ns));
        Assert.Equal("3", await FieldAsync(ns, "forkbomb", "{.status.containerStatuses[0].state.terminated.exitCode}"));

        // A missing ConfigMap is CreateContainerConfigError, not a crash.
        await UntilAsync(ns, "nokey", "{.status.containerStatuses[0].state.waiting.reason}", r => r == "CreateContainerConfigError", "CreateContainerConfigError");
        Assert.Contains("configmap \"missing-config\" not found", await FieldAsync(ns, "nokey", "{.status.containerStatuses[0].state.waiting.message}"));

        // A process that ignores SIGTERM is killed when its grace period ends.
        await UntilAsync(ns, "stubborn", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "running");
        var deletion = System.Diagnostics.Stopwatch.StartNew();
        await fx.Kubectl.OkAsync("delete", "pod", "stubborn", "-n", ns, "--wait=true", "--timeout=30s");
        Assert.InRange(deletion.Elapsed.TotalSeconds, 1.5, 20);

        // The agent is still fine: a new pod starts.
        await fx.Kubectl.OkAsync("run", "after", "-n", ns, "--image=busybox", "--", "sleep", "600");
        await UntilAsync(ns, "after", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "a good pod running");
    }
}
