using System.Diagnostics;
using Axolotl.Runtime;
using Axolotl.Runtime.Logs;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>What only the native launcher does: CRI logs with its own rotation, its own failure reports, dying with its container.</summary>
public sealed class NativeLauncherTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly RuntimeFixture _rt = new(nativeLauncher: true);

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    [Fact]
    public async Task Each_line_is_stored_as_a_CRI_record_with_its_stream_and_a_timestamp()
    {
        var sandbox = await _rt.SandboxAsync("cri");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "echo out-1; echo err-1 >&2; printf 'no newline'");
        var before = TimeProvider.System.GetUtcNow();

        var handle = await _rt.StartAsync(sandbox, spec);
        await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);
        var after = TimeProvider.System.GetUtcNow();

        var stored = await File.ReadAllLinesAsync(spec.LogPath);
        Assert.All(stored, line => Assert.True(LogLine.IsCriRecord(line), line));
        var records = stored.Select(LogLine.Parse).ToList();
        Assert.Contains(records, r => r is { Stream: "stdout", Text: "out-1", Partial: false });
        Assert.Contains(records, r => r is { Stream: "stderr", Text: "err-1", Partial: false });
        Assert.Contains(records, r => r is { Stream: "stdout", Text: "no newline", Partial: false });
        Assert.All(records, r => Assert.InRange(r.Timestamp!.Value, before.AddSeconds(-1), after.AddSeconds(1)));
    }

    [Fact]
    public async Task A_line_longer_than_16_KiB_is_split_into_partial_records()
    {
        var sandbox = await _rt.SandboxAsync("long-line");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "head -c 40000 /dev/zero | tr '\\0' a; echo; echo short");

        var handle = await _rt.StartAsync(sandbox, spec);
        await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        var records = (await File.ReadAllLinesAsync(spec.LogPath)).Select(LogLine.Parse).ToList();
        Assert.Equal([(true, 16384), (true, 16384), (false, 40000 - 32768), (false, 5)], records.Select(r => (r.Partial, r.Text.Length)));
        // A reader joins a partial record to the next one (the agent's reader: ContainerLogReaderTests).
        Assert.Equal(new string('a', 40000) + "\nshort\n", string.Concat(records.Select(r => r.Partial ? r.Text : r.Text + "\n")));
    }

    [Fact]
    public async Task A_log_flood_is_rotated_by_the_launcher_and_stays_within_twice_the_limit()
    {
        _rt.Options.LogMaxBytes = 256 * 1024;
        var sandbox = await _rt.SandboxAsync("flood");
        // 40,000 lines of 98 zeros (about 4 MB), then a marker line.
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "yes $(printf %098d 0) | head -n 40000; echo the-end");

        var handle = await _rt.StartAsync(sandbox, spec);
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(0, exit.ExitCode);
        var live = new FileInfo(spec.LogPath);
        var rotated = new FileInfo(RotatedLog.PathOf(spec.LogPath));
        Assert.True(rotated.Exists);
        Assert.InRange(live.Length, 1, _rt.Options.LogMaxBytes);
        Assert.InRange(rotated.Length, _rt.Options.LogMaxBytes / 2, _rt.Options.LogMaxBytes);
        Assert.EndsWith(" stdout F the-end\n", await File.ReadAllTextAsync(spec.LogPath), StringComparison.Ordinal);
        Assert.All(await File.ReadAllLinesAsync(rotated.FullName), line => Assert.True(LogLine.IsCriRecord(line), line));
    }

    [Fact]
    public async Task A_setup_failure_inside_the_launcher_is_a_start_error_with_its_reason()
    {
        _rt.Options.TmpSize = "not-a-size";
        var sandbox = await _rt.SandboxAsync("bad-tmp");

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "true")));

        Assert.Equal(128, error.ExitCode);
        Assert.StartsWith("cannot mount /tmp", error.Message, StringComparison.Ordinal);
        Assert.Empty(Cgroups.Open($"{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main").ReadPids());
    }

    [Fact]
    public async Task The_launcher_itself_reports_a_missing_executable_as_127_in_the_exit_and_err_files()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_rt.Options.StateDirectory, "direct")).FullName;
        var exitFile = Path.Combine(dir, "c.exit");
        var psi = new ProcessStartInfo(_rt.Tools.Launcher!) { RedirectStandardOutput = true };
        foreach (var argument in new[] { "--exit-file", exitFile, "--log", Path.Combine(dir, "c.log"), "--", "no-such-binary-axolotl" })
        {
            psi.ArgumentList.Add(argument);
        }

        using var launcher = Process.Start(psi)!;
        var stdout = await launcher.StandardOutput.ReadToEndAsync();
        await launcher.WaitForExitAsync().WaitAsync(Deadline);

        Assert.Equal(127, launcher.ExitCode);
        Assert.Equal("", stdout);
        Assert.Equal("127", (await File.ReadAllTextAsync(exitFile)).Trim());
        Assert.Equal("exec: \"no-such-binary-axolotl\": executable file not found in $PATH", (await File.ReadAllTextAsync(exitFile + ".err")).Trim());
    }

    [Fact]
    public async Task Killing_the_launcher_takes_the_whole_container_down()
    {
        var sandbox = await _rt.SandboxAsync("orphan");
        var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "sh", "-c", "sleep 100 & sleep 100"));
        var cgroup = Cgroups.Open($"{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main");
        Assert.NotNull(ProcessRuntime.FindInit(cgroup));

        Assert.True(Native.Kill(handle.Pid, 9));
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(137, exit.ExitCode);
        Assert.Empty(cgroup.ReadPids());
    }

    [Fact]
    public async Task The_launcher_stays_outside_the_container_cgroup_and_announces_the_running_init()
    {
        var sandbox = await _rt.SandboxAsync("outside");
        var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "sleep", "100"));
        var cgroup = Cgroups.Open($"{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main");

        // Running is reported once the init supervises the command: no polling needed, it is there already.
        var init = ProcessRuntime.FindInit(cgroup);

        Assert.NotNull(init);
        Assert.DoesNotContain(handle.Pid, cgroup.ReadPids());
        Assert.Equal("axolotl-launch", (await File.ReadAllTextAsync($"/proc/{handle.Pid}/comm")).Trim());
        Assert.Contains("launcher: native", _rt.Runtime.Mode, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_launcher_runs_at_a_better_nice_value_and_the_container_at_the_agents(bool fromStandby)
    {
        var sandbox = await _rt.SandboxAsync(fromStandby ? "nice-standby" : "nice-cold");
        // Field 19 of /proc/PID/stat (after the command's parenthesised name) is the nice value; cut runs as the container's child.
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "cut -d' ' -f19 /proc/self/stat; exec sleep 100");
        if (fromStandby)
        {
            await _rt.Runtime.PrepareStandbyAsync(sandbox, spec, CancellationToken.None);
            Assert.True(await _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!.Ready.WaitAsync(Deadline));
        }

        var handle = await _rt.StartAsync(sandbox, spec);
        var logged = await Eventually.UntilAsync(async () => File.Exists(spec.LogPath) ? await File.ReadAllTextAsync(spec.LogPath) : "",
            text => text.Contains(" stdout F ", StringComparison.Ordinal), "the command's first stdout line", timeout: Deadline);

        Assert.Equal(Axolotl.Runtime.ThreadPriority.OfCallingThread().ToString(), LogLine.Parse(logged.Split('\n')[0]).Text);
        Assert.Equal(NativeLauncher.LauncherNice.ToString(), NiceOf(handle.Pid));
        await _rt.Runtime.StopAsync(handle, TimeSpan.Zero, CancellationToken.None).WaitAsync(Deadline);
    }

    private static string NiceOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16];
    }
}
