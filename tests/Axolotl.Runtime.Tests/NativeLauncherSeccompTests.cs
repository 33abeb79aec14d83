using System.Text;
using Axolotl.Runtime;
using Axolotl.Runtime.Logs;
using Axolotl.Runtime.Seccomp;
using Axolotl.Runtime.Security;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// Real processes under the launcher's --seccomp (seccomp.c): RuntimeDefault as the agent compiles
/// it, on a busybox image root (capabilities cut to containerd's list, so the filter is loaded before
/// that, as runc does without no_new_privs), the same filter for exec's, a profile's own errno, and a
/// program the kernel refuses as a start error.
/// </summary>
public sealed class NativeLauncherSeccompTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly RuntimeFixture _rt = new(nativeLauncher: true);
    private readonly string _dir = Path.Combine("/var/tmp", "axolotl-seccomp-test-" + Guid.NewGuid().ToString("N")[..8]);
    private int _attempts;

    private string Lower => Path.Combine(_dir, "layer");

    private SeccompProgramStore Store => new(Path.Combine(_dir, "programs"));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Lower, "bin"));
        File.Copy("/bin/busybox", Path.Combine(Lower, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "cat", "grep", "mkdir", "unshare", "mount", "echo", "sleep", "true", "ls" })
        {
            File.CreateSymbolicLink(Path.Combine(Lower, "bin", applet), "busybox");
        }
        Directory.CreateDirectory(Path.Combine(Lower, "tmp"));
        await _rt.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _rt.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private SeccompProgram RuntimeDefault() =>
        Store.GetOrCompile("rd", () => SeccompCompiler.Compile(RuntimeDefaultProfile.For(LinuxCapabilities.DefaultNames, SeccompProfileResolver.HostKernel)))!;

    private ContainerSpec OnImage(ContainerSpec spec, SeccompProgram? seccomp)
    {
        var attempt = Path.Combine(_dir, "attempt-" + Interlocked.Increment(ref _attempts));
        var rootfs = new ContainerRootfs(
            [Lower],
            Directory.CreateDirectory(Path.Combine(attempt, "upper")).FullName,
            Directory.CreateDirectory(Path.Combine(attempt, "work")).FullName,
            Directory.CreateDirectory(Path.Combine(attempt, "root")).FullName);
        return spec with { Rootfs = rootfs, Environment = new Dictionary<string, string> { ["PATH"] = "/bin" }, Seccomp = seccomp };
    }

    private const string Probe =
        "grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs):' /proc/self/status; unshare -U true; echo unshare=$?; mount -t tmpfs none /tmp; echo mount=$?; " +
        "mkdir /tmp/made && echo mkdir=ok; ls / > /dev/null && echo ls=ok";

    [Fact]
    public async Task RuntimeDefault_denies_new_namespaces_and_mounts_and_lets_ordinary_calls_through()
    {
        var sandbox = await _rt.SandboxAsync("rd");
        var spec = OnImage(_rt.Spec(sandbox, "main", "sh", "-c", Probe), RuntimeDefault());

        var exit = await RunAsync(sandbox, spec);

        // stdout and stderr reach the log through two pipes, so lines may interleave and the last may land after the exit.
        var output = await OutputAsync(spec, until: "ls=ok\n");
        Assert.True(exit.ExitCode == 0, output);
        Assert.Contains("Seccomp:\t2\n", output, StringComparison.Ordinal);
        Assert.Contains("Seccomp_filters:\t1\n", output, StringComparison.Ordinal);
        Assert.Contains("unshare: unshare(0x10000000): Operation not permitted", output, StringComparison.Ordinal);
        Assert.Contains("unshare=1\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("mount=0\n", output, StringComparison.Ordinal);
        Assert.Contains("mkdir=ok\n", output, StringComparison.Ordinal);
        Assert.Contains("ls=ok\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_program_the_same_container_runs_unconfined()
    {
        var sandbox = await _rt.SandboxAsync("unconfined");
        var spec = OnImage(_rt.Spec(sandbox, "main", "sh", "-c", Probe), seccomp: null);

        var exit = await RunAsync(sandbox, spec);

        var output = await OutputAsync(spec);
        Assert.True(exit.ExitCode == 0, output);
        Assert.Contains("Seccomp:\t0\n", output, StringComparison.Ordinal);
        Assert.Contains("unshare=0\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_runs_under_the_containers_filter_as_runc_exec_does()
    {
        var sandbox = await _rt.SandboxAsync("exec");
        var spec = OnImage(_rt.Spec(sandbox, "main", "sleep", "30"), RuntimeDefault());
        var handle = await _rt.StartAsync(sandbox, spec);

        var output = new MemoryStream();
        var exec = await _rt.Runtime.ExecAsync(handle,
            new ExecSpec(["sh", "-c", "grep -E '^Seccomp(_filters)?:' /proc/self/status; unshare -U true"], false, null, output, output), CancellationToken.None);

        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Equal(1, exec.ExitCode);
        Assert.StartsWith("Seccomp:\t2\nSeccomp_filters:\t1\n", text, StringComparison.Ordinal);
        Assert.Contains("Operation not permitted", text, StringComparison.Ordinal);
        await _rt.Runtime.StopAsync(handle, TimeSpan.Zero, CancellationToken.None);
    }

    [Fact]
    public async Task A_profiles_own_errno_reaches_the_program()
    {
        var profile = OciSeccompProfileReader.Parse("""
            {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
            """u8);
        var program = Store.GetOrCompile("no-mkdir", () => SeccompCompiler.Compile(profile))!;
        var sandbox = await _rt.SandboxAsync("errno");
        var spec = OnImage(_rt.Spec(sandbox, "main", "sh", "-c", "mkdir /tmp/x; echo mkdir=$?; ls /tmp"), program) with { User = new ContainerUser(1000, 1000, []) };

        var exit = await RunAsync(sandbox, spec);

        var output = await OutputAsync(spec);
        Assert.True(exit.ExitCode == 0, output);
        Assert.Contains("mkdir: can't create directory '/tmp/x': Permission denied", output, StringComparison.Ordinal);
        Assert.Contains("mkdir=1\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_program_the_kernel_refuses_is_a_start_error()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "bad.bpf");
        // A jump past the end of the program: the kernel's checker says EINVAL.
        await File.WriteAllBytesAsync(path, BpfInstruction.ToBytes([new BpfInstruction(BpfInstruction.JumpAlways, 0, 0, 5), new BpfInstruction(BpfInstruction.ReturnConstant, 0, 0, SeccompAction.Allow)]));
        var sandbox = await _rt.SandboxAsync("bad");
        var spec = OnImage(_rt.Spec(sandbox, "main", "true"), new SeccompProgram(path, 0));

        var failure = await Assert.ThrowsAsync<ContainerStartException>(async () => await RunAsync(sandbox, spec));

        Assert.Equal("error loading seccomp filter into kernel: error loading seccomp filter: invalid argument", failure.Message);
        Assert.Equal(128, failure.ExitCode);
    }

    private async Task<ContainerExit> RunAsync(PodSandbox sandbox, ContainerSpec spec)
    {
        var handle = await _rt.StartAsync(sandbox, spec);
        return await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);
    }

    private static async Task<string> OutputAsync(ContainerSpec spec, string? until = null)
    {
        await Eventually.TrueAsync(() => File.Exists(spec.LogPath), $"the log {spec.LogPath}", timeout: Deadline);
        if (until is null)
        {
            return await ReadLogAsync(spec);
        }
        return await Eventually.UntilAsync(
            () => ReadLogAsync(spec), text => text.Contains(until, StringComparison.Ordinal), $"{until.Trim()} in {spec.LogPath}",
            describe: text => text, timeout: TimeSpan.FromSeconds(10));
    }

    private static async Task<string> ReadLogAsync(ContainerSpec spec) =>
        string.Join("", (await File.ReadAllLinesAsync(spec.LogPath)).Select(LogLine.Parse).Select(r => r.Text + "\n"));
}
