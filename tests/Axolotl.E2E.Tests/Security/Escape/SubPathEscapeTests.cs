using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Security.Escape;

/// <summary>
/// Issue 31, attack 4 (the class of CVE-2021-25741): one container of a pod swaps a directory of a
/// shared emptyDir for a symlink to "/" and back; the other mounts that directory by subPath and
/// crashes at once, so that it is mounted again and again. Before the fix the node's root was
/// mounted read-write in the pod within a few restarts. Each test places a marker file on the node
/// that only an escaped mount could show the pod.
/// </summary>
public sealed class SubPathEscapeTests(SubPathEscapeFixture fx) : IClassFixture<SubPathEscapeFixture>
{
    private const int Attempts = 8;
    // Alone the race test takes about 40 s; in a full parallel test run on two cores eight runs once took over 150 s.
    private static readonly TimeSpan RaceTimeout = TimeSpan.FromSeconds(300);

    private const string Restricted = """
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        """;

    // "d" is the directory "real" or a link to the node's "/", never for long either; "mv -T" keeps
    // the loop going whatever the agent made meanwhile (it makes a missing subPath).
    private const string Swapper =
        "cd /s; mkdir -p real; touch real/inside; " +
        "while :; do mv -T real d 2>/dev/null; mv -T d real 2>/dev/null; ln -s / d 2>/dev/null; rm d 2>/dev/null; done";

    [Fact]
    public async Task A_subPath_swapped_for_a_link_to_the_node_root_is_never_mounted_for_a_restricted_pod()
    {
        var ns = await fx.NewNamespaceAsync("subpath-restricted");
        await fx.Kubectl.OkAsync("label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted");
        await RaceAsync(ns, "securityContext: {runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}", Restricted);
    }

    [Fact]
    public async Task A_subPath_swapped_for_a_link_to_the_node_root_is_never_mounted_for_a_root_pod()
    {
        var ns = await fx.NewNamespaceAsync("subpath-root");
        await RaceAsync(ns, "", "");
    }

    [Fact]
    public async Task A_subPath_that_is_a_link_out_of_the_volume_is_a_CreateContainerConfigError()
    {
        var ns = await fx.NewNamespaceAsync("subpath-out");
        await fx.Kubectl.OkWithInputAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: linkout, namespace: {{{ns}}} }
            spec:
              volumes: [{name: shared, emptyDir: {}}]
              initContainers:
              - {name: plant, image: busybox, command: ["ln", "-s", "/etc", "/s/out"], volumeMounts: [{name: shared, mountPath: /s}]}
              containers:
              - {name: app, image: busybox, command: ["sleep", "3600"], volumeMounts: [{name: shared, mountPath: /host-etc, subPath: out}]}
            """, "apply", "-f", "-");

        var waiting = await Eventually.UntilAsync(
            () => fx.Kubectl.RunAsync("get", "pod", "linkout", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}"),
            r => r.Stdout.StartsWith("CreateContainerConfigError|", StringComparison.Ordinal), "CreateContainerConfigError", SecurityPods.StartTimeout);

        Assert.Equal("CreateContainerConfigError|failed to prepare subPath for volumeMount \"shared\" of container \"app\": out leads outside the volume", waiting.Stdout);
    }

    [Fact]
    public async Task A_mount_path_through_a_link_the_pod_planted_stays_inside_the_container_root()
    {
        // The node directory the planted link names: a mount there would hide this marker from the
        // node's view of it, a write would land beside it.
        var hostDir = Path.Combine("/tmp", $"axolotl-e2e-{Guid.NewGuid():N}-hostdir");
        Directory.CreateDirectory(hostDir);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(hostDir, "host-only"), "node");
            var ns = await fx.NewNamespaceAsync("mount-target");
            var log = await SecurityPods.RunAsync(fx, ns, "target",
                "echo \"sees: $(ls /s/link | tr \"\\n\" \" \")\"; echo from-pod > /s/link/written; echo \"volume: $(ls /other)\"",
                podSpecExtra: $$$"""
                    volumes: [{name: shared, emptyDir: {}}, {name: other, emptyDir: {}}]
                    initContainers:
                    - {name: plant, image: busybox, command: ["ln", "-s", "{{{hostDir}}}", "/s/link"], volumeMounts: [{name: shared, mountPath: /s}]}
                    """,
                containerExtra: "volumeMounts: [{name: shared, mountPath: /s}, {name: other, mountPath: /s/link}, {name: other, mountPath: /other}]");

            // The link was resolved in the container's root: the volume went there, not over the node's directory.
            Assert.Equal("", SecurityPods.Field(log, "sees:"));
            Assert.Equal("written", SecurityPods.Field(log, "volume:"));
            Assert.Equal(["host-only"], Directory.GetFileSystemEntries(hostDir).Select(Path.GetFileName));
            Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), line => line.Contains(hostDir, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(hostDir, recursive: true);
        }
    }

    private async Task RaceAsync(string ns, string podSecurity, string containerSecurity)
    {
        var marker = Path.Combine("/tmp", $"axolotl-e2e-{Guid.NewGuid():N}-host-marker");
        await File.WriteAllTextAsync(marker, "node");
        try
        {
            // The victim records each run, and whether its subPath showed the node's marker, in the full volume.
            var victim = $"echo run >> /s/attempts; if test -e /m{marker}; then echo escaped >> /s/escaped; fi; exit 1";
            await fx.Kubectl.OkWithInputAsync($$$"""
                apiVersion: v1
                kind: Pod
                metadata: {name: race, namespace: {{{ns}}} }
                spec:
                  {{{podSecurity}}}
                  # The swapper spins a core until it is gone: once the race is decided, it goes at once.
                  terminationGracePeriodSeconds: 1
                  volumes: [{name: shared, emptyDir: {}}]
                  containers:
                  - name: swapper
                    image: busybox
                    command: ["sh", "-c", "{{{Swapper}}}"]
                    volumeMounts: [{name: shared, mountPath: /s}]
                    {{{containerSecurity}}}
                  - name: victim
                    image: busybox
                    command: ["sh", "-c", "{{{victim}}}"]
                    volumeMounts: [{name: shared, mountPath: /m, subPath: d}, {name: shared, mountPath: /s}]
                    {{{containerSecurity}}}
                """, "apply", "-f", "-");

            var seen = await Eventually.UntilAsync(
                () => fx.Kubectl.RunAsync("exec", "race", "-n", ns, "-c", "swapper", "--", "sh", "-c", "wc -l < /s/attempts; cat /s/escaped 2>/dev/null; true"),
                r => r.ExitCode == 0 && (r.Stdout.Contains("escaped", StringComparison.Ordinal) || Runs(r.Stdout) >= Attempts),
                $"{Attempts} runs of the victim", RaceTimeout);

            Assert.DoesNotContain("escaped", seen.Stdout, StringComparison.Ordinal);
            Assert.True(Runs(seen.Stdout) >= Attempts, seen.Stdout);
            Assert.Equal("node", await File.ReadAllTextAsync(marker));
        }
        finally
        {
            File.Delete(marker);
            await fx.Kubectl.RunAsync("delete", "namespace", ns, "--wait=false");
        }
    }

    private static int Runs(string output) =>
        int.TryParse(output.Split('\n')[0].Trim(), System.Globalization.CultureInfo.InvariantCulture, out var runs) ? runs : 0;
}
