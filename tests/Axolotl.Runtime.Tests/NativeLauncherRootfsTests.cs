using System.Diagnostics;
using System.Text;
using Axolotl.Runtime;
using Axolotl.Runtime.Logs;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// Containers on an image's own root (rootfs.c): an overlay of a busybox layer under a layer whose
/// whiteout hides a file, entered with pivot_root, with the runtime's mounts, the pod's /etc files,
/// volumes and a user; hostile symlinks in the image stay inside the root; exec enters the image.
/// </summary>
public sealed class NativeLauncherRootfsTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly string[] Applets = ["sh", "ls", "cat", "id", "echo", "sleep", "test", "pwd", "readlink", "stat"];
    private readonly RuntimeFixture _rt = new(nativeLauncher: true);
    private readonly string _dir = Path.Combine("/var/tmp", "axolotl-rootfs-test-" + Guid.NewGuid().ToString("N")[..8]);
    private int _containers;

    private string Base => Path.Combine(_dir, "layers", "base");

    private string Top => Path.Combine(_dir, "layers", "top");

    private string Volume => Path.Combine(_dir, "volume");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Base, "bin"));
        File.Copy("/bin/busybox", Path.Combine(Base, "bin", "busybox"));
        foreach (var applet in Applets)
        {
            File.CreateSymbolicLink(Path.Combine(Base, "bin", applet), "busybox");
        }

        Directory.CreateDirectory(Path.Combine(Base, "etc"));
        await File.WriteAllTextAsync(Path.Combine(Base, "etc", "hosts"), "image hosts\n");
        await File.WriteAllTextAsync(Path.Combine(Base, "hidden"), "from the base layer");
        Directory.CreateDirectory(Path.Combine(Base, "tmp"));
        File.SetUnixFileMode(Path.Combine(Base, "tmp"), (UnixFileMode)0b1_111_111_111);
        Directory.CreateDirectory(Top);
        // An overlay whiteout (a 0/0 character device) in the upper layer hides the base layer's file.
        await RunAsync("mknod", Path.Combine(Top, "hidden"), "c", "0", "0");
        Directory.CreateDirectory(Volume);
        // Writable for the test's uid 1000 too.
        File.SetUnixFileMode(Volume, (UnixFileMode)0b111_111_111);
        await File.WriteAllTextAsync(Path.Combine(Volume, "from-volume"), "volume content");
        await _rt.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _rt.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task The_container_sees_only_the_image_the_runtime_mounts_and_its_volumes_as_its_user()
    {
        var sandbox = await _rt.SandboxAsync("rootfs");
        var (spec, rootfs) = Spec(sandbox, [Top, Base],
            "sh", "-c",
            "ls /; echo ---; cat /etc/hosts; cat /etc/hostname; id; pwd; cat /proc/1/comm; echo ---; ls /proc/self/root; echo ---; " +
            "cat /data/vol/from-volume; echo; echo written > /tmp/new-file; echo to-volume > /data/vol/new; " +
            $"test -e {_rt.Options.StateDirectory} || echo no-state; test -e /usr/bin/tini-static || echo no-tini; echo ---; cat /proc/self/mountinfo");
        spec = spec with
        {
            WorkingDirectory = "/work/here",
            User = new ContainerUser(1000, 1000, [10, 20]),
            Mounts = [new ContainerMount(Volume, "/data/vol", ReadOnly: false)],
        };

        var exit = await RunContainerAsync(sandbox, spec);

        var output = await OutputAsync(spec);
        Assert.True(exit.ExitCode == 0, string.Join('\n', output));
        var sections = Split(output);
        Assert.Equal(["bin", "data", "dev", "etc", "proc", "sys", "tmp", "work"], sections[0]);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(_rt.Options.StateDirectory, "pods", sandbox.PodUid, "hosts")),
            string.Join('\n', sections[1].Take(sections[1].Count - 4)) + "\n");
        Assert.Equal(["rootfs", "uid=1000 gid=1000 groups=10,20", "/work/here", "axolotl-init"], sections[1].TakeLast(4));
        Assert.Equal(sections[0], sections[2]);
        Assert.Equal(["volume content", "no-state", "no-tini"], sections[3]);
        // Beside these, runc's masked and read-only paths under /proc and /sys (as far as this kernel has them).
        var mountPoints = sections[4].Select(line => line.Split(' ')[4])
            .Where(p => !p.StartsWith("/proc/", StringComparison.Ordinal) && !p.StartsWith("/sys/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        Assert.Equal(["/", "/data/vol", "/dev", "/dev/mqueue", "/dev/pts", "/dev/shm", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/proc", "/sys"], mountPoints);
        Assert.Contains(sections[4], line => line.Split(' ')[4] == "/proc/sys" && line.Split(' ')[5].StartsWith("ro,", StringComparison.Ordinal));
        Assert.Equal("written\n", await File.ReadAllTextAsync(Path.Combine(rootfs.Upper, "tmp", "new-file")));
        Assert.True(Directory.Exists(Path.Combine(rootfs.Upper, "work", "here")), "the working directory is created in the upper layer");
        Assert.Equal("to-volume\n", await File.ReadAllTextAsync(Path.Combine(Volume, "new")));
        Assert.False(File.Exists(Path.Combine(Base, "tmp", "new-file")), "a lower layer was written");
    }

    [Fact]
    public async Task A_hosts_symlink_into_proc_magic_links_is_refused()
    {
        var hostile = Layer("hostile-proc");
        Directory.CreateDirectory(Path.Combine(hostile, "etc"));
        File.CreateSymbolicLink(Path.Combine(hostile, "etc", "hosts"), "/proc/1/root/etc/shadow");
        var sandbox = await _rt.SandboxAsync("hostile-proc");
        var (spec, _) = Spec(sandbox, [hostile, Base], "cat", "/etc/hosts");

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => _rt.StartAsync(sandbox, spec));

        Assert.Contains("/etc/hosts", error.Message, StringComparison.Ordinal);
        Assert.Equal(128, error.ExitCode);
    }

    [Fact]
    public async Task Symlinks_that_aim_out_of_the_root_are_resolved_inside_it()
    {
        var outside = Path.Combine(_dir, "outside");
        Directory.CreateDirectory(outside);
        var hostile = Layer("hostile-escape");
        Directory.CreateDirectory(Path.Combine(hostile, "etc"));
        File.CreateSymbolicLink(Path.Combine(hostile, "etc", "hosts"), "../../../../../.." + outside + "/hosts");
        File.CreateSymbolicLink(Path.Combine(hostile, "data"), outside);
        File.CreateSymbolicLink(Path.Combine(hostile, "dev"), "/");
        var sandbox = await _rt.SandboxAsync("hostile-escape");
        var refused = Spec(sandbox, [hostile, Base], "true").Spec;

        var error = await Record.ExceptionAsync(() => RunContainerAsync(sandbox, refused));

        // "/dev -> /" would put the runtime's /dev over the whole root: refused. Without it the rest runs confined.
        Assert.Contains("resolves to the container's root", Assert.IsType<ContainerStartException>(error).Message, StringComparison.Ordinal);
        File.Delete(Path.Combine(hostile, "dev"));
        var (spec, rootfs) = Spec(sandbox, [hostile, Base], "sh", "-c",
            "cat /etc/hosts; cat /data/from-volume; echo; echo x > /data/escaped; grep CapBnd /proc/self/status");
        spec = spec with { Mounts = [new ContainerMount(Volume, "/data", ReadOnly: false)] };

        var exit = await RunContainerAsync(sandbox, spec);

        var output = await OutputAsync(spec);
        Assert.True(exit.ExitCode == 0, string.Join('\n', output));
        Assert.Contains("volume content", output);
        // Root in the container, but with containerd's default capabilities only: no CAP_SYS_ADMIN.
        Assert.Contains("CapBnd:\t00000000a80425fb", output);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.True(File.Exists(Path.Combine(rootfs.Upper, outside.TrimStart('/'), "hosts")), "the hosts mount point lands inside the root");
        Assert.Equal("x\n", await File.ReadAllTextAsync(Path.Combine(Volume, "escaped")));
    }

    [Fact]
    public async Task Exec_runs_the_image_s_commands_as_the_container_s_user_with_and_without_a_terminal()
    {
        var sandbox = await _rt.SandboxAsync("rootfs-exec");
        var (spec, rootfs) = Spec(sandbox, [Top, Base], "sleep", "30");
        spec = spec with { User = new ContainerUser(1000, 1000, [10, 20]) };
        var handle = await _rt.StartAsync(sandbox, spec);
        // The overlay exists in the container's mount namespace only: the node sees an empty directory.
        Assert.Empty(Directory.GetFileSystemEntries(rootfs.Mountpoint));

        using var stdout = new MemoryStream();
        var result = await _rt.Runtime.ExecAsync(handle, new ExecSpec(["sh", "-c", "ls /; id; pwd; grep CapBnd /proc/self/status"], false, null, stdout, null), CancellationToken.None)
            .WaitAsync(Deadline);
        using var tty = new MemoryStream();
        var ttyResult = await _rt.Runtime.ExecAsync(handle, new ExecSpec(["sh", "-c", "test -t 1 && echo is-a-tty; id -u; exit 3"], true, null, tty, null), CancellationToken.None)
            .WaitAsync(Deadline);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("bin\ndev\netc\nproc\nsys\ntmp\nuid=1000 gid=1000 groups=10,20\n/\nCapBnd:\t00000000a80425fb\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal(3, ttyResult.ExitCode);
        Assert.Contains("is-a-tty\r\n1000", Encoding.UTF8.GetString(tty.ToArray()), StringComparison.Ordinal);
        await _rt.Runtime.StopAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    [Fact]
    public async Task A_terminal_exec_gets_a_terminal_of_the_containers_devpts_with_the_clients_size_TERM_and_HOME()
    {
        var accounts = Path.Combine(_dir, "layers", "accounts");
        Directory.CreateDirectory(Path.Combine(accounts, "etc"));
        await File.WriteAllTextAsync(Path.Combine(accounts, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:User:/home/user:/bin/sh\n");
        var sandbox = await _rt.SandboxAsync("rootfs-exec-tty");
        var (spec, _) = Spec(sandbox, [accounts, Top, Base], "sleep", "30");
        spec = spec with { User = new ContainerUser(1000, 1000, []) };
        var handle = await _rt.StartAsync(sandbox, spec);
        var sizes = System.Threading.Channels.Channel.CreateUnbounded<TerminalSize>();
        sizes.Writer.TryWrite(new TerminalSize(91, 27));

        using var output = new MemoryStream();
        var result = await _rt.Runtime.ExecAsync(handle, new ExecSpec(["sh", "-c", "echo tty=$(tty) size=$(stty size) term=$TERM home=$HOME owner=$(stat -c %u $(tty))"],
            true, null, output, null, Resize: sizes.Reader), CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(0, result.ExitCode);
        // pts/0: the container's own devpts instance (the node's terminals are not there).
        Assert.Equal("tty=/dev/pts/0 size=27 91 term=xterm home=/home/user owner=1000\r\n", Encoding.UTF8.GetString(output.ToArray()));
        await _rt.Runtime.StopAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    [Fact]
    public async Task Pid_1_keeps_only_what_an_exec_would_leave_it_and_nothing_in_the_container_can_read_it()
    {
        var sandbox = await _rt.SandboxAsync("rootfs-init");
        var (spec, _) = Spec(sandbox, [Top, Base], "sh", "-c",
            "cat /proc/1/environ >/dev/null 2>&1 && echo readable || echo hidden; cat /proc/self/environ >/dev/null && echo own; sleep 30");
        var handle = await _rt.StartAsync(sandbox, spec);
        var init = ProcessRuntime.FindInit(Cgroups.Open($"{_rt.Options.CgroupRoot}/{sandbox.PodUid}/{spec.Name}"));
        Assert.NotNull(init);

        // Root in the container: the same capabilities as the command, cut to containerd's default set.
        var status = (await File.ReadAllLinesAsync($"/proc/{init}/status")).Where(l => l.StartsWith("Cap", StringComparison.Ordinal)).ToList();
        Assert.Equal(["CapInh:\t0000000000000000", "CapPrm:\t00000000a80425fb", "CapEff:\t00000000a80425fb", "CapBnd:\t00000000a80425fb", "CapAmb:\t0000000000000000"], status);
        Assert.Equal(["0", "1", "2"], Directory.GetFileSystemEntries($"/proc/{init}/fd").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        await Eventually.UntilAsync(() => OutputAsync(spec), lines => lines.Count >= 2, "two lines of output", lines => string.Join("\n", lines), Deadline);

        Assert.Equal(["hidden", "own"], await OutputAsync(spec));
        await _rt.Runtime.StopAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    [Fact]
    public async Task An_executable_missing_from_the_image_is_a_start_error_with_runc_s_reason()
    {
        var sandbox = await _rt.SandboxAsync("rootfs-missing");
        // /bin/busybox on the node does not count: only the image's root is searched.
        var (spec, _) = Spec(sandbox, [Top, Base], "nsenter", "--version");

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => _rt.StartAsync(sandbox, spec));

        Assert.Equal("exec: \"nsenter\": executable file not found in $PATH", error.Message);
        Assert.Equal(127, error.ExitCode);
    }

    [Fact]
    public async Task The_shell_chain_refuses_an_image_root()
    {
        var shell = new RuntimeFixture(nativeLauncher: false);
        try
        {
            var sandbox = await shell.SandboxAsync("rootfs-shell");
            var spec = shell.Spec(sandbox, "main", "true") with { Rootfs = new ContainerRootfs([Base], "/nonexistent/upper", "/nonexistent/work", "/nonexistent/root") };

            var error = await Assert.ThrowsAsync<ContainerStartException>(() => shell.StartAsync(sandbox, spec));

            Assert.Contains("native launcher", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await shell.DisposeAsync();
        }
    }

    private string Layer(string name)
    {
        var dir = Path.Combine(_dir, "layers", name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A spec on a fresh upper, work and mount point directory over the given layers.</summary>
    private (ContainerSpec Spec, ContainerRootfs Rootfs) Spec(PodSandbox sandbox, string[] lowers, params string[] command)
    {
        var container = Path.Combine(_dir, "containers", Interlocked.Increment(ref _containers).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var rootfs = new ContainerRootfs(lowers, Path.Combine(container, "upper"), Path.Combine(container, "work"), Path.Combine(container, "rootfs"));
        Directory.CreateDirectory(rootfs.Upper);
        Directory.CreateDirectory(rootfs.Work);
        Directory.CreateDirectory(rootfs.Mountpoint);
        var spec = _rt.Spec(sandbox, "main-" + _containers, command) with { Rootfs = rootfs };
        return (spec, rootfs);
    }

    private async Task<ContainerExit> RunContainerAsync(PodSandbox sandbox, ContainerSpec spec)
    {
        var handle = await _rt.StartAsync(sandbox, spec);
        return await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);
    }

    private static async Task<List<string>> OutputAsync(ContainerSpec spec) =>
        (await File.ReadAllLinesAsync(spec.LogPath)).Select(LogLine.Parse).Where(r => r.Stream == "stdout").Select(r => r.Text).ToList();

    private static List<List<string>> Split(List<string> lines)
    {
        var sections = new List<List<string>> { new() };
        foreach (var line in lines)
        {
            if (line == "---")
            {
                sections.Add([]);
            }
            else
            {
                sections[^1].Add(line);
            }
        }

        return sections;
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        using var process = Process.Start(psi)!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }
}
