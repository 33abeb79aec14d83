using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>Restarting the server (and so its node agent) under running pods restarts no container.</summary>
public sealed class AgentRestartTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Restarting_the_server_under_running_pods_restarts_no_container()
    {
        var ns = await fx.NewNamespaceAsync("adopt");
        await fx.Kubectl.OkWithInputAsync(
            $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: survivor\n  namespace: {ns}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'sleep 3600']\n",
            "apply", "-f", "-");
        var jsonpath = "jsonpath={.status.phase} {.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}";
        var before = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "survivor", "-n", ns, "-o", jsonpath),
            s => s.StartsWith("Running axolotl://", StringComparison.Ordinal), "Running", TimeSpan.FromSeconds(60));

        Assert.Equal(0, await fx.Server.StopAsync());
        await fx.Server.RestartAsync();

        await QuietPeriod.WaitAsync(TimeSpan.FromSeconds(3), "a status round of the re-adopted agent that changes the pod");
        var after = await fx.Kubectl.OkAsync("get", "pod", "survivor", "-n", ns, "-o", jsonpath);
        Assert.Equal(before, after);
        Assert.EndsWith(" 0", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pod_with_volumes_keeps_running_and_its_volumes_across_a_server_restart()
    {
        var ns = await fx.NewNamespaceAsync("adopt-volumes");
        await fx.Kubectl.OkAsync("create", "secret", "generic", "token", "-n", ns, "--from-literal=value=one");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: keeper, namespace: {{ns}}}
            spec:
              containers:
              - name: c
                image: busybox
                command: [sh, -c, 'echo kept > /scratch/note; sleep 3600']
                volumeMounts:
                - {name: scratch, mountPath: /scratch}
                - {name: token, mountPath: /token}
              volumes:
              - name: scratch
                emptyDir: {}
              - name: token
                secret: {secretName: token}
            """, "apply", "-f", "-");
        var jsonpath = "jsonpath={.status.phase} {.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}";
        var before = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "keeper", "-n", ns, "-o", jsonpath),
            s => s.StartsWith("Running axolotl://", StringComparison.Ordinal), "Running", TimeSpan.FromSeconds(60));

        Assert.Equal(0, await fx.Server.StopAsync());
        await fx.Server.RestartAsync();
        await QuietPeriod.WaitAsync(TimeSpan.FromSeconds(3), "a status round of the re-adopted agent that changes the pod");

        Assert.Equal(before, await fx.Kubectl.OkAsync("get", "pod", "keeper", "-n", ns, "-o", jsonpath));
        // The node's kubelet endpoint comes back with the restarted server: on a loaded machine a few seconds may not be enough.
        var note = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("exec", "keeper", "-n", ns, "--", "cat", "/scratch/note"),
            r => r.ExitCode == 0 || !r.Stderr.Contains("error dialing backend", StringComparison.Ordinal), "exec through the restarted node", TimeSpan.FromSeconds(60));
        Assert.Equal("kept\n", note.Stdout);
        // The Secret's tmpfs was found mounted, not mounted again, and edits still arrive.
        var uid = await fx.Kubectl.OkAsync("get", "pod", "keeper", "-n", ns, "-o", "jsonpath={.metadata.uid}");
        Assert.Single(File.ReadLines("/proc/self/mountinfo"), l => l.Contains($"/{uid}/.volumes/kubernetes.io~secret/token ", StringComparison.Ordinal));
        await fx.Kubectl.OkAsync("patch", "secret", "token", "-n", ns, "--type=merge", "-p", "{\"stringData\":{\"value\":\"two\"}}");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("exec", "keeper", "-n", ns, "--", "cat", "/token/value"),
            r => r.Stdout == "two", "the edited Secret in the pod", TimeSpan.FromSeconds(40));
    }
}
