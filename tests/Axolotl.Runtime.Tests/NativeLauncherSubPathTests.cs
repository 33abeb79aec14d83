using Axolotl.Runtime;
using Axolotl.Runtime.Logs;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// The launcher's half of a subPath (volume-mounts.c): "VOLUME/./PATH" is opened beneath VOLUME with
/// no symlink followed, so a directory the pod swaps for a link after the agent's check (the agent
/// passed "d" when it was a directory) is refused at start instead of mounting what the link names.
/// </summary>
public sealed class NativeLauncherSubPathTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly RuntimeFixture _rt = new(nativeLauncher: true);
    private readonly string _dir = Path.Combine("/var/tmp", "axolotl-subpath-test-" + Guid.NewGuid().ToString("N")[..8]);
    private int _attempts;

    private string Layer => Path.Combine(_dir, "layer");

    private string Volume => Path.Combine(_dir, "volume");

    private string Outside => Path.Combine(_dir, "outside");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Layer, "bin"));
        File.Copy("/bin/busybox", Path.Combine(Layer, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "cat", "ls" })
        {
            File.CreateSymbolicLink(Path.Combine(Layer, "bin", applet), "busybox");
        }
        Directory.CreateDirectory(Path.Combine(Volume, "d"));
        await File.WriteAllTextAsync(Path.Combine(Volume, "d", "inside"), "inside\n");
        Directory.CreateDirectory(Outside);
        await File.WriteAllTextAsync(Path.Combine(Outside, "secret"), "node secret\n");
        await _rt.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _rt.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_subPath_is_mounted_from_beneath_its_volume()
    {
        var sandbox = await _rt.SandboxAsync("subpath");
        var spec = OnImage(_rt.Spec(sandbox, "main", "sh", "-c", "cat /m/inside")) with
        {
            Mounts = [new ContainerMount(Volume + "/./d", "/m", ReadOnly: false)],
        };

        var handle = await _rt.StartAsync(sandbox, spec);
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(["inside"], (await File.ReadAllLinesAsync(spec.LogPath)).Select(LogLine.Parse).Select(r => r.Text));
    }

    [Theory]
    [InlineData("d")]
    [InlineData("d/secret")]
    public async Task A_subPath_swapped_for_a_link_after_the_agent_s_check_is_refused_at_start(string subPath)
    {
        Directory.Delete(Path.Combine(Volume, "d"), recursive: true);
        File.CreateSymbolicLink(Path.Combine(Volume, "d"), Outside);
        var sandbox = await _rt.SandboxAsync("swapped");
        var spec = OnImage(_rt.Spec(sandbox, "main", "cat", "/m")) with
        {
            Mounts = [new ContainerMount(Volume + "/./" + subPath, "/m", ReadOnly: false)],
        };

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => _rt.StartAsync(sandbox, spec));

        Assert.Contains($"subPath {subPath} of {Volume} changed after it was checked", error.Message, StringComparison.Ordinal);
    }

    private ContainerSpec OnImage(ContainerSpec spec)
    {
        var attempt = Path.Combine(_dir, "attempt-" + Interlocked.Increment(ref _attempts));
        var rootfs = new ContainerRootfs(
            [Layer],
            Directory.CreateDirectory(Path.Combine(attempt, "upper")).FullName,
            Directory.CreateDirectory(Path.Combine(attempt, "work")).FullName,
            Directory.CreateDirectory(Path.Combine(attempt, "root")).FullName);
        return spec with { Rootfs = rootfs, Environment = new Dictionary<string, string> { ["PATH"] = "/bin" } };
    }
}
