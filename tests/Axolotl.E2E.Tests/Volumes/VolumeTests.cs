using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Volumes;

/// <summary>
/// Volumes through kubectl on real containers: ConfigMap and Secret keys as files (edits reach the
/// running pod), a subPath file, an emptyDir shared by two containers and kept across a restart, a
/// hostPath, and FailedMount while a source is missing. The node's own filesystem gains no mount point.
/// </summary>
[Collection(SharedServerACollection.Name)]
public sealed class VolumeTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ConfigMap_and_Secret_keys_are_read_only_files_and_ConfigMap_edits_reach_the_running_pod()
    {
        var ns = await fx.NewNamespaceAsync("volumes");
        var appDirExisted = Directory.Exists("/app");
        await fx.Kubectl.OkAsync("create", "configmap", "app-config", "-n", ns, "--from-literal=app.json={\"level\":\"info\"}", "--from-literal=mode=fast");
        await fx.Kubectl.OkAsync("create", "secret", "generic", "db", "-n", ns, "--from-literal=password=s3cret");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: reader, namespace: {{ns}}}
            spec:
              containers:
              - name: app
                image: busybox
                command: ["sleep", "3600"]
                volumeMounts:
                - {name: config, mountPath: /app/config}
                - {name: creds, mountPath: /app/secrets, readOnly: true}
                - {name: config, mountPath: /etc/app.json, subPath: app.json}
              volumes:
              - name: config
                configMap: {name: app-config}
              - name: creds
                secret: {secretName: db, defaultMode: 0400}
            """, "apply", "-f", "-");
        await RunningAsync(ns, "reader");

        Assert.Equal("app.json\nmode\n", await ExecAsync(ns, "reader", "ls", "/app/config"));
        Assert.Equal("{\"level\":\"info\"}", await ExecAsync(ns, "reader", "cat", "/app/config/app.json"));
        Assert.Equal("{\"level\":\"info\"}", await ExecAsync(ns, "reader", "cat", "/etc/app.json"));
        Assert.Equal("s3cret", await ExecAsync(ns, "reader", "cat", "/app/secrets/password"));
        Assert.Equal("400\n", await ExecAsync(ns, "reader", "stat", "-L", "-c", "%a", "/app/secrets/password"));
        var write = await fx.Kubectl.RunAsync("exec", "reader", "-n", ns, "--", "sh", "-c", "echo x > /app/config/new");
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("Read-only file system", write.Stderr, StringComparison.Ordinal);
        Assert.Equal(appDirExisted, Directory.Exists("/app"));

        await fx.Kubectl.OkAsync("patch", "configmap", "app-config", "-n", ns, "--type=merge", "-p", "{\"data\":{\"mode\":\"slow\"}}");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("exec", "reader", "-n", ns, "--", "cat", "/app/config/mode"),
            r => r.Stdout == "slow", "the edited ConfigMap in the running pod", TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task An_emptyDir_is_shared_by_the_pods_containers_and_outlives_a_container_restart()
    {
        var ns = await fx.NewNamespaceAsync("emptydir");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: pair, namespace: {{ns}}}
            spec:
              containers:
              - name: writer
                image: busybox
                command: ["sh", "-c", "echo $(date +%s%N) >> /shared/starts; sleep 3600"]
                volumeMounts: [{name: shared, mountPath: /shared}]
              - name: reader
                image: busybox
                command: ["sleep", "3600"]
                volumeMounts: [{name: shared, mountPath: /data}]
              volumes:
              - name: shared
                emptyDir: {}
            """, "apply", "-f", "-");
        await RunningAsync(ns, "pair");
        Assert.Single(Lines(await ExecAsync(ns, "pair", "-c", "reader", "cat", "/data/starts")));

        var kill = await fx.Kubectl.RunAsync("exec", "pair", "-n", ns, "-c", "writer", "--", "kill", "1");
        Assert.True(kill.ExitCode is 0 or 137, kill.ToString());
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("exec", "pair", "-n", ns, "-c", "reader", "--", "cat", "/data/starts"),
            r => Lines(r.Stdout).Length == 2, "the restarted writer's line next to the first one", StartTimeout);
    }

    [Fact]
    public async Task A_missing_ConfigMap_holds_the_pod_in_ContainerCreating_with_FailedMount_until_it_is_created()
    {
        var ns = await fx.NewNamespaceAsync("failedmount");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: waiter, namespace: {{ns}}}
            spec:
              containers:
              - name: app
                image: busybox
                command: ["sleep", "3600"]
                volumeMounts: [{name: config, mountPath: /config}]
              volumes:
              - name: config
                configMap: {name: later}
            """, "apply", "-f", "-");

        var describe = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", "waiter", "-n", ns),
            d => d.Contains("FailedMount", StringComparison.Ordinal), "a FailedMount event", StartTimeout);
        Assert.Matches(@"Warning\s+FailedMount\s+.*kubelet\s+MountVolume.SetUp failed for volume ""config"" : configmap ""later"" not found", describe);
        // The event can be stored a moment before the status with the waiting reason: kubectl shows Pending until then.
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "waiter", "-n", ns),
            table => System.Text.RegularExpressions.Regex.IsMatch(table, @"waiter\s+0/1\s+ContainerCreating\s+0\s"), "the pod ContainerCreating", StartTimeout);

        await fx.Kubectl.OkAsync("create", "configmap", "later", "-n", ns, "--from-literal=greeting=hello");
        await RunningAsync(ns, "waiter");
        Assert.Equal("hello", await ExecAsync(ns, "waiter", "cat", "/config/greeting"));
    }

    [Fact]
    public async Task A_hostPath_is_the_nodes_directory_and_a_wrong_type_is_a_FailedMount()
    {
        var ns = await fx.NewNamespaceAsync("hostpath");
        var hostDir = Path.Combine(fx.WorkDir, fx.UniqueName("host-data"));
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: host-writer, namespace: {{ns}}}
            spec:
              containers:
              - name: app
                image: busybox
                command: ["sh", "-c", "echo from-pod > /host/file; sleep 3600"]
                volumeMounts: [{name: node, mountPath: /host}]
              volumes:
              - name: node
                hostPath: {path: {{hostDir}}, type: DirectoryOrCreate}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: wrong-type, namespace: {{ns}}}
            spec:
              containers:
              - name: app
                image: busybox
                command: ["sleep", "3600"]
                volumeMounts: [{name: node, mountPath: /host}]
              volumes:
              - name: node
                hostPath: {path: {{hostDir}}-missing, type: Directory}
            """, "apply", "-f", "-");

        await RunningAsync(ns, "host-writer");
        await Eventually.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(hostDir, "file"))), e => e, "the pod's file on the node");
        Assert.Equal("from-pod\n", await File.ReadAllTextAsync(Path.Combine(hostDir, "file")));
        var describe = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", "wrong-type", "-n", ns),
            d => d.Contains("FailedMount", StringComparison.Ordinal), "a FailedMount event", StartTimeout);
        Assert.Contains($"MountVolume.SetUp failed for volume \"node\" : hostPath type check failed: {hostDir}-missing is not a directory", describe, StringComparison.Ordinal);
    }

    private async Task RunningAsync(string ns, string pod) =>
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout == "Running", $"pod {pod} to run", StartTimeout);

    private async Task<string> ExecAsync(string ns, string pod, params string[] command)
    {
        var args = new List<string> { "exec", pod, "-n", ns };
        var split = command.Length > 1 && command[0] == "-c" ? 2 : 0;
        args.AddRange(command.Take(split));
        args.Add("--");
        args.AddRange(command.Skip(split));
        return await fx.Kubectl.OkAsync([.. args]);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
