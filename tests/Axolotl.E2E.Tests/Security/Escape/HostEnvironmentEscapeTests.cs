using System.Globalization;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Security.Escape;

/// <summary>
/// Issue 31, attack 1: a pod under the restricted policy (uid 1000, no capabilities, RuntimeDefault)
/// points LD_PRELOAD, LD_LIBRARY_PATH, ENV and BASH_ENV at its own emptyDir's path on the node
/// (DATA/agent/pods/$(POD_UID)/.volumes/…, the uid from the downward API) and puts a library there
/// whose constructor writes a marker file on the node. When a host-side helper (the launcher on a
/// restart, the shell under an exec probe, a postStart hook or kubectl exec) took the container's
/// environment, that library ran as the node's root. The container's environment belongs inside the
/// container only: the marker never appears, and kubectl exec still sees every variable.
/// </summary>
[Collection(SharedServerGCollection.Name)]
public sealed class HostEnvironmentEscapeTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_restricted_pod_s_environment_never_reaches_a_process_on_the_node()
    {
        var ns = await fx.NewNamespaceAsync("hostenv");
        await fx.Kubectl.OkAsync("label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted");
        var marker = Path.Combine(fx.WorkDir, $"host-marker-{Guid.NewGuid():N}");
        var library = await CompileLibraryAsync(marker);
        var volumeOnNode = $"{fx.Server.DataDir}/agent/pods/$(POD_UID)/.volumes/kubernetes.io~empty-dir/data";

        await fx.Kubectl.OkWithInputAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: attacker, namespace: {{{ns}}}}
            spec:
              securityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: {type: RuntimeDefault}}
              volumes: [{name: data, emptyDir: {}}]
              containers:
              - name: app
                image: busybox
                command: ["sh", "-c", "echo start >> /data/starts; while [ ! -e /data/crash ]; do sleep 0.2; done; rm -f /data/crash; exit 3"]
                securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
                volumeMounts: [{name: data, mountPath: /data}]
                env:
                - {name: POD_UID, valueFrom: {fieldRef: {fieldPath: metadata.uid} } }
                - {name: LD_PRELOAD, value: "{{{volumeOnNode}}}/evil.so"}
                - {name: LD_LIBRARY_PATH, value: "{{{volumeOnNode}}}"}
                - {name: ENV, value: "{{{volumeOnNode}}}/evil.sh"}
                - {name: BASH_ENV, value: "{{{volumeOnNode}}}/evil.sh"}
                - {name: GREETING, value: hola}
                livenessProbe:
                  exec: {command: ["sh", "-c", "echo probe >> /data/probes"]}
                  periodSeconds: 1
                  failureThreshold: 30
                lifecycle:
                  postStart:
                    exec: {command: ["sh", "-c", "echo hook >> /data/hooks"]}
            """, "apply", "-f", "-");

        var uid = await Eventually.UntilAsync(
            () => fx.Kubectl.OkAsync("get", "pod", "attacker", "-n", ns, "-o", "jsonpath={.metadata.uid}"),
            u => u.Length > 0, "the pod's uid");
        var volume = volumeOnNode.Replace("$(POD_UID)", uid, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => Task.FromResult(LineCount(Path.Combine(volume, "hooks"))), n => n >= 1, "the first postStart hook", Deadline);

        // What the pod could have written itself into its volume; copied from the node for a compiler-free image.
        File.Copy(library, Path.Combine(volume, "evil.so"));
        await File.WriteAllTextAsync(Path.Combine(volume, "evil.sh"), $"echo sh >> {marker}\n");
        File.SetUnixFileMode(Path.Combine(volume, "evil.so"), (UnixFileMode)0b111_101_101);

        // kubectl exec: the command still sees the container's environment, every variable of it.
        var env = await fx.Kubectl.OkAsync("exec", "attacker", "-n", ns, "--", "env");
        Assert.Contains("GREETING=hola", env, StringComparison.Ordinal);
        Assert.Contains($"LD_PRELOAD={volume}/evil.so", env, StringComparison.Ordinal);
        Assert.Contains($"POD_UID={uid}", env, StringComparison.Ordinal);

        // A restart: the launcher starts again, and the postStart hook runs again.
        var probesBefore = LineCount(Path.Combine(volume, "probes"));
        await fx.Kubectl.OkAsync("exec", "attacker", "-n", ns, "--", "touch", "/data/crash");
        await Eventually.UntilAsync(() => Task.FromResult(LineCount(Path.Combine(volume, "starts"))), n => n >= 2, "the container's restart", Deadline);
        await Eventually.UntilAsync(() => Task.FromResult(LineCount(Path.Combine(volume, "hooks"))), n => n >= 2, "the restart's postStart hook", Deadline);
        // Several exec probes ran with the library in place.
        await Eventually.UntilAsync(() => Task.FromResult(LineCount(Path.Combine(volume, "probes"))), n => n >= probesBefore + 3, "exec probes", Deadline);
        var restarts = await fx.Kubectl.OkAsync("get", "pod", "attacker", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].restartCount}");
        Assert.True(int.Parse(restarts, CultureInfo.InvariantCulture) >= 1, $"restartCount {restarts}");
        Assert.Contains("GREETING=hola", await fx.Kubectl.OkAsync("exec", "attacker", "-n", ns, "--", "env"), StringComparison.Ordinal);

        Assert.False(File.Exists(marker), $"the pod's library or script ran on the node: {(File.Exists(marker) ? await File.ReadAllTextAsync(marker) : "")}");
        await fx.Kubectl.OkAsync("delete", "namespace", ns, "--wait=false");
    }

    private static int LineCount(string path) => File.Exists(path) ? File.ReadAllLines(path).Length : 0;

    /// <summary>A shared library whose constructor appends the loading process's name to <paramref name="marker"/> (a path on the node only).</summary>
    private async Task<string> CompileLibraryAsync(string marker)
    {
        var source = fx.WriteFile("evil.c", $$"""
            #include <fcntl.h>
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            __attribute__((constructor)) static void mark(void)
            {
                char comm[64] = "", line[160];
                int c = open("/proc/self/comm", O_RDONLY);
                if (c >= 0) { ssize_t n = read(c, comm, sizeof comm - 1); if (n > 0) comm[n - 1] = 0; close(c); }
                int fd = open("{{marker}}", O_WRONLY | O_CREAT | O_APPEND, 0644);
                if (fd < 0) return;
                int n = snprintf(line, sizeof line, "%s uid=%d\n", comm, (int)getuid());
                if (write(fd, line, (size_t)n) < 0) {}
                close(fd);
            }
            """);
        var output = Path.ChangeExtension(source, ".so");
        var result = await ProcessRunner.RunAsync("gcc", ["-shared", "-fPIC", "-o", output, source]);
        Assert.True(result.ExitCode == 0, $"gcc failed: {result}");
        return output;
    }
}
