using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Security;

/// <summary>
/// securityContext.seccompProfile through kubectl on real containers: RuntimeDefault (containerd's
/// profile) denies new namespaces, mounts and keyring calls with EPERM, shows as "Seccomp: 2" in the
/// container and its exec's, and survives restarts; Unconfined and an unset profile run without a
/// filter; the container's profile wins over the pod's; a Localhost profile from the node's seccomp
/// root answers with its own errno; a missing one is the kubelet's CreateContainerError while the
/// pod's neighbours run on.
/// </summary>
[Collection(SharedServerECollection.Name)]
public sealed class SeccompTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private const string StatusLines = "grep -E '^(Seccomp|Seccomp_filters):' /proc/self/status";

    private string SeccompRoot => Path.Combine(fx.Server.DataDir, "agent", "seccomp");

    private async Task ApplyAsync(string ns, string manifest) => await fx.Kubectl.OkWithInputAsync(manifest, "apply", "-n", ns, "-f", "-");

    private static string Pod(string name, string podProfile, string containerProfile, string script, string image = "busybox") => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}}
        spec:
          {{(podProfile.Length == 0 ? "" : "securityContext: {seccompProfile: " + podProfile + "}")}}
          containers:
          - name: main
            image: {{image}}
            command: ["sh", "-c", "{{script}}"]
            {{(containerProfile.Length == 0 ? "" : "securityContext: {seccompProfile: " + containerProfile + "}")}}
        """;

    private Task<string> LogsWhenAsync(string ns, string pod, string expected, params string[] extra) => LogsWhenAsync(ns, pod, [expected], extra);

    private async Task<string> LogsWhenAsync(string ns, string pod, string[] expected, params string[] extra) =>
        (await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && expected.All(e => r.Stdout.Contains(e, StringComparison.Ordinal)),
            $"\"{string.Join("\", \"", expected)}\" in the logs of {pod}", ["logs", pod, "-n", ns, .. extra])).Stdout;

    [Fact]
    public async Task RuntimeDefault_filters_the_container_and_its_execs_and_denies_unshare_and_mount()
    {
        var ns = await fx.NewNamespaceAsync("seccomp-rd");
        await ApplyAsync(ns, Pod("rd", "{type: RuntimeDefault}", "",
            $"{StatusLines}; unshare -U true; echo unshare=$?; mount -t tmpfs none /mnt; echo mount=$?; mkdir /tmp/ok && echo mkdir=ok; sleep 3600"));

        var logs = await LogsWhenAsync(ns, "rd", ["mkdir=ok", "Operation not permitted", "are you root"]);
        var exec = await fx.Kubectl.RunAsync("exec", "rd", "-n", ns, "--", "sh", "-c", $"{StatusLines}; unshare -U true");

        Assert.Contains("Seccomp:\t2\nSeccomp_filters:\t1\n", logs, StringComparison.Ordinal);
        // stdout and stderr are separate pipes: their lines may interleave either way.
        Assert.Contains("unshare: unshare(0x10000000): Operation not permitted\n", logs, StringComparison.Ordinal);
        Assert.Contains("unshare=1\n", logs, StringComparison.Ordinal);
        Assert.Contains("mount: permission denied (are you root?)\n", logs, StringComparison.Ordinal);
        Assert.Contains("mount=1\n", logs, StringComparison.Ordinal);
        Assert.StartsWith("Seccomp:\t2\nSeccomp_filters:\t1\n", exec.Stdout, StringComparison.Ordinal);
        Assert.Contains("unshare(0x10000000): Operation not permitted", exec.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, exec.ExitCode);
    }

    [Fact]
    public async Task RuntimeDefault_answers_mount_and_keyctl_with_eperm()
    {
        var ns = await fx.NewNamespaceAsync("seccomp-calls");
        // The calls themselves, through libc: mount(2) and keyctl(2) (x86_64 number 250).
        const string Script = "import ctypes, os\\n" +
            "libc = ctypes.CDLL(None, use_errno=True)\\n" +
            "for name, call in [('mount', lambda: libc.mount(b'none', b'/mnt', b'tmpfs', 0, None)), ('keyctl', lambda: libc.syscall(250, 0, -1, 0, 0, 0)), ('getpid', lambda: libc.getpid())]:\\n" +
            "    ctypes.set_errno(0); result = call(); print(name, result if result >= 0 else os.strerror(ctypes.get_errno()), flush=True)\\n";
        await ApplyAsync(ns, $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: calls}
            spec:
              securityContext: {seccompProfile: {type: RuntimeDefault} }
              restartPolicy: Never
              containers:
              - name: main
                image: python:3.11
                command: ["python3", "-c", "{{Script}}"]
            """);

        var logs = await LogsWhenAsync(ns, "calls", "getpid ");

        Assert.Contains("mount Operation not permitted\n", logs, StringComparison.Ordinal);
        Assert.Contains("keyctl Operation not permitted\n", logs, StringComparison.Ordinal);
        Assert.Matches(@"getpid \d+\n", logs);
    }

    [Fact]
    public async Task Unconfined_and_an_unset_profile_run_without_a_filter_and_the_containers_profile_wins()
    {
        var ns = await fx.NewNamespaceAsync("seccomp-off");
        await ApplyAsync(ns, Pod("unset", "", "", $"{StatusLines}; unshare -U true && echo unshare=ok; sleep 3600"));
        await ApplyAsync(ns, Pod("unconfined", "{type: RuntimeDefault}", "{type: Unconfined}", $"{StatusLines}; sleep 3600"));
        await ApplyAsync(ns, Pod("confined", "{type: Unconfined}", "{type: RuntimeDefault}", $"{StatusLines}; sleep 3600"));

        var unset = await LogsWhenAsync(ns, "unset", "unshare=ok");
        var unconfined = await LogsWhenAsync(ns, "unconfined", "Seccomp:");
        var confined = await LogsWhenAsync(ns, "confined", "Seccomp_filters:");

        Assert.Contains("Seccomp:\t0\n", unset, StringComparison.Ordinal);
        Assert.Contains("Seccomp:\t0\n", unconfined, StringComparison.Ordinal);
        Assert.Contains("Seccomp:\t2\nSeccomp_filters:\t1\n", confined, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restarted_container_runs_under_the_same_filter()
    {
        var ns = await fx.NewNamespaceAsync("seccomp-restart");
        await ApplyAsync(ns, Pod("crashing", "{type: RuntimeDefault}", "", $"{StatusLines}; sleep 0.2; exit 1"));

        await Eventually.KubectlAsync(fx.Kubectl, r => int.TryParse(r.Stdout, out var n) && n >= 1, "a restart",
            "get", "pod", "crashing", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].restartCount}");
        var previous = await LogsWhenAsync(ns, "crashing", "Seccomp_filters:", "--previous");
        var current = await LogsWhenAsync(ns, "crashing", "Seccomp_filters:");

        Assert.Equal("Seccomp:\t2\nSeccomp_filters:\t1\n", previous);
        Assert.Equal("Seccomp:\t2\nSeccomp_filters:\t1\n", current);
    }

    [Fact]
    public async Task A_localhost_profile_answers_with_its_own_errno()
    {
        var ns = await fx.NewNamespaceAsync("seccomp-local");
        Directory.CreateDirectory(Path.Combine(SeccompRoot, "profiles"));
        // errno 122 (EDQUOT): nothing but the profile would give that for mkdir here.
        await File.WriteAllTextAsync(Path.Combine(SeccompRoot, "profiles", "no-mkdir.json"), """
            {"defaultAction": "SCMP_ACT_ALLOW",
             "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122}]}
            """);
        await ApplyAsync(ns, Pod("local", "", "{type: Localhost, localhostProfile: profiles/no-mkdir.json}",
            $"{StatusLines}; mkdir /tmp/x; echo mkdir=$?; sleep 3600"));

        var logs = await LogsWhenAsync(ns, "local", ["mkdir=", "can't create directory"]);

        Assert.Contains("Seccomp:\t2\n", logs, StringComparison.Ordinal);
        Assert.Contains("mkdir: can't create directory '/tmp/x': Disk quota exceeded\n", logs, StringComparison.Ordinal);
        Assert.Contains("mkdir=1\n", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_localhost_profile_is_the_kubelets_create_container_error_and_the_neighbours_run()
    {
        var ns = await fx.NewNamespaceAsync("seccomp-missing");
        await ApplyAsync(ns, Pod("neighbour", "", "", "sleep 3600"));
        await ApplyAsync(ns, Pod("missing", "{type: Localhost, localhostProfile: profiles/missing.json}", "", "sleep 3600"));

        var path = Path.Combine(SeccompRoot, "profiles", "missing.json");
        var expected = $"failed to create containerd container: cannot load seccomp profile \"{path}\": open {path}: no such file or directory";
        var waiting = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.StartsWith("CreateContainerError", StringComparison.Ordinal), "CreateContainerError",
            "get", "pod", "missing", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}");
        var events = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("Error: failed to create containerd container", StringComparison.Ordinal), "the Failed event",
            "get", "events", "-n", ns, "--field-selector", "involvedObject.name=missing,reason=Failed", "-o", "jsonpath={.items[*].message}");
        await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout == "Running", "the neighbour to run",
            "get", "pod", "neighbour", "-n", ns, "-o", "jsonpath={.status.phase}");

        Assert.Equal($"CreateContainerError|{expected}", waiting.Stdout);
        Assert.Contains($"Error: {expected}", events.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_localhost_profile_runc_refuses_is_a_start_error_with_runcs_message()
    {
        var ns = await fx.NewNamespaceAsync("seccomp-refused");
        Directory.CreateDirectory(SeccompRoot);
        await File.WriteAllTextAsync(Path.Combine(SeccompRoot, "odd.json"), """{"defaultAction": "SCMP_ACT_SOMETIMES"}""");
        await ApplyAsync(ns, Pod("odd", "{type: Localhost, localhostProfile: odd.json}", "", "true").Replace("spec:\n", "spec:\n  restartPolicy: Never\n", StringComparison.Ordinal));

        var terminated = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.StartsWith("StartError", StringComparison.Ordinal), "StartError",
            "get", "pod", "odd", "-n", ns, "-o",
            "jsonpath={.status.containerStatuses[0].state.terminated.reason}|{.status.containerStatuses[0].state.terminated.message}");

        Assert.Equal("StartError|failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: " +
            "string SCMP_ACT_SOMETIMES is not a valid action for seccomp: unknown", terminated.Stdout);
    }

    [Fact]
    public async Task A_localhost_path_leaving_the_seccomp_root_is_refused_at_admission()
    {
        var ns = await fx.NewNamespaceAsync("seccomp-escape");

        var result = await fx.Kubectl.RunAsync(["apply", "-n", ns, "-f", "-"], Pod("escape", "", "{type: Localhost, localhostProfile: ../../state.db}", "true"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid value: \"../../state.db\": must not contain '..'", result.Output, StringComparison.Ordinal);
    }
}
