using System.Diagnostics;
using Axolotl.Runtime;
using Axolotl.Runtime.Logs;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// Containers on an image's own root (image-root.c): an overlay of the layers with a fresh writable
/// layer, entered by pivot_root, with /proc, a minimal /dev, a read-only /sys, the pod's files and
/// the volumes inside; the user dropped to; nothing of the node visible; hostile symlinks in the image
/// confined to its root; exec running the image's programs as the container's user.
/// </summary>
public sealed class NativeLauncherImageRootTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly RuntimeFixture _rt = new(nativeLauncher: true);
    private readonly string _dir = Path.Combine("/var/tmp", "axolotl-imageroot-test-" + Guid.NewGuid().ToString("N")[..8]);
    private int _attempts;

    private string Lower => Path.Combine(_dir, "layer1");

    private string Whiteouts => Path.Combine(_dir, "layer2");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Lower, "bin"));
        Directory.CreateDirectory(Path.Combine(Lower, "etc"));
        File.Copy("/bin/busybox", Path.Combine(Lower, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "ls", "cat", "id", "echo", "pwd", "hostname", "sleep", "wget", "stat", "test" })
        {
            File.CreateSymbolicLink(Path.Combine(Lower, "bin", applet), "busybox");
        }

        await File.WriteAllTextAsync(Path.Combine(Lower, "etc", "marker"), "from the image\n");
        // Hostile: the pod's hosts file and a volume aimed outside the root through symlinks.
        File.CreateSymbolicLink(Path.Combine(Lower, "etc", "hosts"), "/../../../etc/shadow-of-the-node");
        File.CreateSymbolicLink(Path.Combine(Lower, "data"), "/../../../srv/data");
        File.CreateSymbolicLink(Path.Combine(Lower, "vol"), "/../..");
        Directory.CreateDirectory(Path.Combine(Whiteouts, "bin"));
        Run("mknod", Path.Combine(Whiteouts, "bin", "wget"), "c", "0", "0");
        Directory.CreateDirectory(Path.Combine(_dir, "volume"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "volume", "file"), "volume data\n");
        await _rt.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _rt.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private ContainerSpec OnImage(ContainerSpec spec)
    {
        var attempt = Path.Combine(_dir, "attempt-" + Interlocked.Increment(ref _attempts));
        var rootfs = new ContainerRootfs(
            [Whiteouts, Lower],
            Directory.CreateDirectory(Path.Combine(attempt, "upper")).FullName,
            Directory.CreateDirectory(Path.Combine(attempt, "work")).FullName,
            Directory.CreateDirectory(Path.Combine(attempt, "root")).FullName);
        return spec with
        {
            Rootfs = rootfs,
            Environment = new Dictionary<string, string> { ["PATH"] = "/bin" },
        };
    }

    [Fact]
    public async Task The_container_sees_its_image_the_runtimes_mounts_and_nothing_of_the_node()
    {
        var sandbox = await _rt.SandboxAsync("imageroot");
        var spec = OnImage(_rt.Spec(sandbox, "main", "sh", "-c",
            "ls /; echo ==; cat /etc/marker; test -e /bin/wget || echo no-wget; test -e /usr || echo no-usr; echo ==; ls /dev; echo ==; " +
            "cat /data/file; hostname; ls /proc/self/root/etc; echo ==; echo scratch > /written; cat /etc/hosts"));
        spec = spec with { Mounts = [new ContainerMount(Path.Combine(_dir, "volume"), "/data", ReadOnly: true)] };

        var exit = await RunAsync(sandbox, spec);

        var lines = await OutputAsync(spec);
        Assert.True(exit.ExitCode == 0, string.Join('\n', (await File.ReadAllLinesAsync(spec.LogPath)).Select(LogLine.Parse).Select(r => r.Text)));
        var sections = string.Join('\n', lines).Split("\n==\n");
        Assert.Equal("bin\ndata\ndev\netc\nproc\nsrv\nsys\nvol", sections[0]);
        Assert.Equal("from the image\nno-wget\nno-usr", sections[1]);
        Assert.Equal("fd\nfull\nmqueue\nnull\nptmx\npts\nrandom\nshm\nstderr\nstdin\nstdout\ntty\nurandom\nzero", sections[2]);
        // The image's hosts symlink is followed inside its root: the pod's file lands at its target there.
        Assert.Equal("volume data\nimageroot\nhostname\nhosts\nmarker\nresolv.conf\nshadow-of-the-node", sections[3]);
        Assert.Contains("imageroot", sections[4], StringComparison.Ordinal);
        Assert.Equal("scratch\n", await File.ReadAllTextAsync(Path.Combine(spec.Rootfs!.Upper, "written")));
        Assert.False(File.Exists("/written"));
        Assert.False(File.Exists("/etc/shadow-of-the-node"), "the hosts bind followed the image's symlink out of its root");
    }

    [Fact]
    public async Task The_user_and_working_directory_come_from_the_spec_and_exec_runs_the_images_programs_as_that_user()
    {
        var sandbox = await _rt.SandboxAsync("user");
        var spec = OnImage(_rt.Spec(sandbox, "main", "sh", "-c", "id; pwd; exec sleep 30")) with
        {
            WorkingDirectory = "/srv/app",
            User = new ContainerUser(1000, 1000, [10, 20]),
        };
        var handle = await _rt.StartAsync(sandbox, spec);
        var lines = await WaitForOutputAsync(spec, 2);
        Assert.Equal(["uid=1000 gid=1000 groups=10,20", "/srv/app"], lines.Take(2));

        var output = new MemoryStream();
        var exec = await _rt.Runtime.ExecAsync(handle, new ExecSpec(["sh", "-c", "id -u; ls /; cat /etc/marker"], false, null, output, output), CancellationToken.None);
        Assert.Equal(0, exec.ExitCode);
        var text = System.Text.Encoding.UTF8.GetString(output.ToArray());
        Assert.StartsWith("1000\n", text, StringComparison.Ordinal);
        Assert.Contains("from the image", text, StringComparison.Ordinal);
        Assert.DoesNotContain("usr\n", text, StringComparison.Ordinal);
        await _rt.Runtime.StopAsync(handle, TimeSpan.Zero, CancellationToken.None);
    }

    [Fact]
    public async Task A_command_the_image_lacks_is_a_start_error_with_runcs_wording()
    {
        var sandbox = await _rt.SandboxAsync("missing");
        var spec = OnImage(_rt.Spec(sandbox, "main", "bash", "-c", "true"));
        var failure = await Assert.ThrowsAsync<ContainerStartException>(async () => await RunAsync(sandbox, spec));
        Assert.Contains("exec: \"bash\": executable file not found in $PATH", failure.Message, StringComparison.Ordinal);
        Assert.Equal(127, failure.ExitCode);
    }

    [Fact]
    public async Task A_volume_whose_mount_point_the_image_links_to_its_root_is_refused()
    {
        var sandbox = await _rt.SandboxAsync("linked");
        var spec = OnImage(_rt.Spec(sandbox, "main", "true")) with
        {
            Mounts = [new ContainerMount(Path.Combine(_dir, "volume"), "/vol", ReadOnly: false)],
        };
        var failure = await Assert.ThrowsAsync<ContainerStartException>(async () => await RunAsync(sandbox, spec));
        Assert.Contains("cannot mount on /vol: it resolves to the", failure.Message, StringComparison.Ordinal);
    }

    private async Task<ContainerExit> RunAsync(PodSandbox sandbox, ContainerSpec spec)
    {
        var handle = await _rt.StartAsync(sandbox, spec);
        return await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);
    }

    private static async Task<List<string>> OutputAsync(ContainerSpec spec) =>
        (await File.ReadAllLinesAsync(spec.LogPath)).Select(LogLine.Parse).Where(r => r.Stream == "stdout").Select(r => r.Text).ToList();

    private static Task<List<string>> WaitForOutputAsync(ContainerSpec spec, int lines) =>
        Eventually.UntilAsync(async () => File.Exists(spec.LogPath) ? await OutputAsync(spec) : [], seen => seen.Count >= lines, $"{lines} lines of output",
            seen => string.Join("\n", seen), Deadline);

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(file, args);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}
