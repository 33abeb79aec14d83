using System.Text;
using Axolotl.Runtime;
using Axolotl.Runtime.Logs;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// Volume binds by the native launcher (volume-mounts.c): at paths that exist or not, read-only,
/// single files, the working directory inside a volume, and exec seeing what the container sees;
/// the node's own filesystem never gains a mount point.
/// </summary>
public sealed class NativeLauncherVolumeTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly RuntimeFixture _rt = new(nativeLauncher: true);
    private readonly string _source = Path.Combine("/var/tmp", "axolotl-volume-test-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _missing = "/axolotl-missing-" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_source, "config"));
        File.WriteAllText(Path.Combine(_source, "config", "app.json"), "{\"level\":\"info\"}");
        File.WriteAllText(Path.Combine(_source, "single.txt"), "one file");
        return _rt.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _rt.DisposeAsync();
        Directory.Delete(_source, recursive: true);
    }

    [Fact]
    public async Task Volumes_appear_at_paths_the_node_does_not_have_without_creating_them_on_the_node()
    {
        var sandbox = await _rt.SandboxAsync("volumes");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c",
            $"cat {_missing}/config/app.json; echo; cat /usr/share/{Path.GetFileName(_missing)}/single.txt; echo; " +
            $"echo written > {_missing}/config/from-container; test -x /bin/sh && echo root-intact; cat /proc/1/comm") with
        {
            Mounts =
            [
                new ContainerMount(Path.Combine(_source, "config"), _missing + "/config", ReadOnly: false),
                new ContainerMount(Path.Combine(_source, "single.txt"), $"/usr/share/{Path.GetFileName(_missing)}/single.txt", ReadOnly: false),
            ],
        };

        var exit = await RunAsync(sandbox, spec);

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(["{\"level\":\"info\"}", "one file", "root-intact", "axolotl-init"], await OutputAsync(spec));
        Assert.Equal("written\n", await File.ReadAllTextAsync(Path.Combine(_source, "config", "from-container")));
        Assert.False(Path.Exists(_missing), "the node got the mount point");
        Assert.False(Path.Exists($"/usr/share/{Path.GetFileName(_missing)}"), "the node got the mount point");
    }

    [Fact]
    public async Task A_read_only_volume_refuses_writes_and_a_working_directory_inside_a_volume_is_entered()
    {
        var sandbox = await _rt.SandboxAsync("read-only");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "pwd; cat app.json; echo; echo x > new 2>/dev/null || echo refused") with
        {
            WorkingDirectory = "/etc/axolotl-test-config",
            Mounts = [new ContainerMount(Path.Combine(_source, "config"), "/etc/axolotl-test-config", ReadOnly: true)],
        };

        var exit = await RunAsync(sandbox, spec);

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(["/etc/axolotl-test-config", "{\"level\":\"info\"}", "refused"], await OutputAsync(spec));
        Assert.False(File.Exists(Path.Combine(_source, "config", "new")));
        Assert.False(Path.Exists("/etc/axolotl-test-config"));
    }

    [Fact]
    public async Task Exec_sees_the_volumes_the_container_sees()
    {
        var sandbox = await _rt.SandboxAsync("exec");
        var spec = _rt.Spec(sandbox, "main", "sleep", "30") with
        {
            Mounts = [new ContainerMount(Path.Combine(_source, "config"), _missing, ReadOnly: true)],
        };
        var handle = await _rt.StartAsync(sandbox, spec);

        using var stdout = new MemoryStream();
        var result = await _rt.Runtime.ExecAsync(handle, new ExecSpec(["cat", $"{_missing}/app.json"], false, null, stdout, null), CancellationToken.None)
            .WaitAsync(Deadline);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"level\":\"info\"}", Encoding.UTF8.GetString(stdout.ToArray()));
        await _rt.Runtime.StopAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    [Fact]
    public async Task A_source_that_is_gone_is_a_start_error_naming_it()
    {
        var sandbox = await _rt.SandboxAsync("gone");
        var spec = _rt.Spec(sandbox, "main", "true") with
        {
            Mounts = [new ContainerMount(Path.Combine(_source, "no-such-dir"), "/data", ReadOnly: false)],
        };

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => _rt.StartAsync(sandbox, spec));

        Assert.Contains($"cannot open volume source {_source}/no-such-dir", error.Message, StringComparison.Ordinal);
    }

    private async Task<ContainerExit> RunAsync(PodSandbox sandbox, ContainerSpec spec)
    {
        var handle = await _rt.StartAsync(sandbox, spec);
        return await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);
    }

    private static async Task<List<string>> OutputAsync(ContainerSpec spec) =>
        (await File.ReadAllLinesAsync(spec.LogPath)).Select(LogLine.Parse).Where(r => r.Stream == "stdout").Select(r => r.Text).ToList();
}
